// The demo's web chat: polls the current chat, renders messages from plain text + entities
// (Telegram's own model) through an allow-list of elements, and sends what the person does.
// Every piece of text is put in the page as a text node; no message text is parsed as HTML.
"use strict";

const POLL_MS = 600;
const TOAST_MS = 3500;
const HINTS = {
  private: "This is the real digestbot, running against a local Telegram stand-in. Try /start, " +
    "paste an article's text (or send a .txt file), ask /digest russia, /subscribe russia, " +
    "then press Time warp to get the next push now.",
  group: "A group: Alice is an admin, Bob a member. Anyone may ask for a /digest; only admins " +
    "may /subscribe or /unsubscribe. Pick who writes beside the message box.",
  channel: "A channel: you post as its admin. Posts are stored as articles; /subscribe posted " +
    "here makes the digests arrive in the channel.",
};

const TABS = { private: "Private", group: "Group", channel: "Channel" };

// Entity type -> element; anything else is shown as plain text.
const ELEMENTS = {
  bold: "strong", italic: "em", underline: "u", strikethrough: "s", spoiler: "span",
  code: "code", pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote",
  text_link: "a", url: "a", mention: "span", hashtag: "span", cashtag: "span",
  bot_command: "span", email: "span", phone_number: "span", custom_emoji: "span",
};
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

const state = { chats: [], chat: null, writers: {}, shown: new Map(), polling: false };
const $ = (id) => document.getElementById(id);

// -- rendering ---------------------------------------------------------------------------------

function formatted(text, entities) {
  const known = (entities || []).filter((e) => ELEMENTS[e.type])
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  build(fragment, text, known, 0, text.length);
  return fragment;
}

// Appends text[start:end] to parent, wrapping the entities (sorted, nested) in their elements.
function build(parent, text, entities, start, end) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    const stop = entity.offset + entity.length;
    let j = i + 1;
    while (j < entities.length && entities[j].offset < stop) j++;
    const from = Math.max(entity.offset, pos);
    const to = Math.min(stop, end);
    if (to > from) {
      if (from > pos) parent.append(text.slice(pos, from));
      const [outer, inner] = element(entity, text.slice(from, to));
      build(inner, text, entities.slice(i + 1, j), from, to);
      parent.append(outer);
      pos = to;
    }
    i = j;
  }
  if (end > pos) parent.append(text.slice(pos, end));
}

function element(entity, covered) {
  const el = document.createElement(ELEMENTS[entity.type]);
  if (entity.type === "text_link" || entity.type === "url") {
    const href = entity.type === "url" && !/^[a-z]+:/i.test(covered) ? `https://${covered}` :
      entity.type === "url" ? covered : entity.url;
    if (SAFE_LINK.test(href || "")) {
      el.href = href;
      el.target = "_blank";
      el.rel = "noopener noreferrer";
    }
  } else if (entity.type === "expandable_blockquote") {
    el.className = "expandable";
    el.title = "Show more";
    el.addEventListener("click", () => el.classList.toggle("open"));
  } else if (entity.type === "spoiler") {
    el.className = "spoiler";
    el.addEventListener("click", () => el.classList.add("shown"));
  } else if (entity.type === "pre") {
    const code = document.createElement("code");
    el.append(code);
    return [el, code];
  }
  return [el, el];
}

function messageElement(message, byId) {
  const box = document.createElement("div");
  box.className = message.mine ? "msg mine" : "msg bot";
  box.dataset.id = message.id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (state.chat.kind !== "private" || !message.mine) {
    const sender = document.createElement("div");
    sender.className = "sender";
    sender.textContent = message.sender;
    bubble.append(sender);
  }
  const replied = message.reply_to && byId.get(message.reply_to);
  if (replied) {
    const quote = document.createElement("div");
    quote.className = "reply";
    const who = document.createElement("b");
    who.textContent = replied.sender;
    quote.append(who, replied.text.split("\n")[0] || replied.document || "");
    bubble.append(quote);
  }
  if (message.document) {
    const doc = document.createElement("div");
    doc.className = "document";
    doc.textContent = message.document;
    const dot = message.document.lastIndexOf(".");
    doc.dataset.kind = dot > 0 ? message.document.slice(dot + 1, dot + 5).toUpperCase() : "FILE";
    bubble.append(doc);
  }
  if (message.text) {
    const text = document.createElement("div");
    text.className = "text";
    text.append(formatted(message.text, message.entities));
    bubble.append(text);
  }
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(message.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  meta.textContent = message.edited ? `edited ${time}` : time;
  bubble.append(meta);
  box.append(bubble);
  if (message.buttons.length) box.append(keyboard(message));
  return box;
}

function keyboard(message) {
  const board = document.createElement("div");
  board.className = "keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      let el;
      if (button.url && SAFE_LINK.test(button.url)) {
        el = document.createElement("a");
        el.href = button.url;
        el.target = "_blank";
        el.rel = "noopener noreferrer";
      } else {
        el = document.createElement("button");
        el.type = "button";
        if (button.callback_data) {
          el.addEventListener("click", () => press(el, message.id, button.callback_data));
        } else {
          el.disabled = true;
        }
      }
      el.textContent = button.text;
      el.title = button.text;
      line.append(el);
    }
    board.append(line);
  }
  return board;
}

function show(messages) {
  const box = $("messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  let added = false;
  const seen = new Set();
  const byId = new Map(messages.map((m) => [m.id, m]));
  for (const message of messages) {
    seen.add(message.id);
    const key = JSON.stringify(message);
    const old = state.shown.get(message.id);
    if (old && old.key === key) continue;
    const el = messageElement(message, byId);
    if (old) {
      old.el.replaceWith(el); // an edit: in place
    } else {
      const next = [...state.shown.entries()].filter(([id]) => id > message.id)
        .sort((a, b) => a[0] - b[0])[0];
      box.insertBefore(el, next ? next[1].el : null);
      added = true;
    }
    state.shown.set(message.id, { key, el });
  }
  for (const [id, { el }] of state.shown) {
    if (!seen.has(id)) { el.remove(); state.shown.delete(id); } // deleted by the bot
  }
  $("hint").hidden = messages.length > 0;
  if (added && (nearBottom || messages.at(-1).mine)) box.scrollTop = box.scrollHeight;
}

// -- talking to the server ---------------------------------------------------------------------

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `The demo server answered ${response.status}.`);
  return body;
}

function postJson(path, body) {
  return api(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
}

function writer() {
  return state.writers[state.chat.id] ?? (state.chat.people[0] || {}).id;
}

async function poll() {
  if (state.polling || !state.chat) return;
  state.polling = true;
  const chat = state.chat;
  try {
    const data = await api(`/api/chats/${chat.id}/messages`);
    if (chat !== state.chat) return;
    show(data.messages);
    const status = $("chat-status");
    status.textContent = data.typing ? "typing…" : subtitle(chat);
    status.classList.toggle("typing", data.typing);
  } catch (error) {
    $("chat-status").textContent = "The demo server does not answer; is it still running?";
  } finally {
    state.polling = false;
  }
}

async function send(text) {
  try {
    await postJson(`/api/chats/${state.chat.id}/send`, { text, user_id: writer() });
    poll();
    return true;
  } catch (error) {
    toast(error.message);
    return false;
  }
}

async function press(button, messageId, data) {
  button.disabled = true;
  try {
    const answer = await postJson(`/api/chats/${state.chat.id}/press`,
      { message_id: messageId, data, user_id: writer() });
    if (answer.toast) toast(answer.toast);
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
    poll();
  }
}

async function upload(file) {
  const form = new FormData();
  form.append("file", file);
  form.append("user_id", writer() ?? "");
  const caption = $("text").value.trim();
  if (caption) form.append("caption", caption);
  try {
    await api(`/api/chats/${state.chat.id}/upload`, { method: "POST", body: form });
    $("text").value = "";
    poll();
  } catch (error) {
    toast(error.message);
  }
}

async function warp() {
  try {
    toast((await postJson("/api/timewarp", {})).text);
  } catch (error) {
    toast(error.message);
  }
}

async function toggleCommands() {
  const list = $("commands");
  if (!list.hidden) { list.hidden = true; return; }
  const { commands } = await api("/api/commands");
  list.replaceChildren();
  for (const { command, description } of commands) {
    const item = document.createElement("button");
    item.type = "button";
    const name = document.createElement("b");
    name.textContent = `/${command}`;
    item.append(name, ` — ${description}`);
    item.addEventListener("click", () => {
      list.hidden = true;
      $("text").value = `/${command} `;
      $("text").focus();
    });
    list.append(item);
  }
  if (!commands.length) list.append("The bot has not set its commands yet.");
  list.hidden = false;
}

let toastTimer = null;
function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, TOAST_MS);
}

// -- chats -------------------------------------------------------------------------------------

function subtitle(chat) {
  if (chat.kind === "private") return "bot";
  if (chat.kind === "channel") return "channel · you post as its admin";
  return "group · " + chat.people.map((p) => `${p.name} (${p.role})`).join(", ");
}

function openChat(chat) {
  state.chat = chat;
  state.shown.clear();
  for (const el of document.querySelectorAll(".msg")) el.remove();
  for (const tab of $("chats").children) {
    tab.setAttribute("aria-selected", String(Number(tab.dataset.id) === chat.id));
  }
  $("chat-title").textContent = chat.title;
  $("chat-status").textContent = subtitle(chat);
  $("hint").textContent = HINTS[chat.kind];
  const writerSelect = $("writer");
  writerSelect.replaceChildren();
  for (const person of chat.people) {
    const option = document.createElement("option");
    option.value = person.id;
    option.textContent = `${person.name} (${person.role})`;
    writerSelect.append(option);
  }
  writerSelect.value = writer() ?? "";
  writerSelect.hidden = chat.people.length < 2;
  $("attach").classList.toggle("disabled", chat.kind === "channel");
  $("text").placeholder = chat.kind === "channel" ? "Post in the channel" : "Message";
  poll();
}

async function start() {
  const data = await api("/api/chats");
  document.title = `${data.bot.name} — digestbot demo`;
  state.chats = data.chats;
  for (const chat of data.chats) {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.dataset.id = chat.id;
    tab.textContent = TABS[chat.kind];
    tab.title = chat.title;
    tab.addEventListener("click", () => openChat(chat));
    $("chats").append(tab);
  }
  openChat(data.chats[0]);
  setInterval(poll, POLL_MS);
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("text");
  const text = box.value;
  if (!text.trim()) return;
  if (await send(text)) { box.value = ""; box.style.height = ""; }
});
$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});
$("text").addEventListener("input", (event) => {
  const box = event.target;
  box.style.height = "";
  box.style.height = `${box.scrollHeight}px`;
});
$("writer").addEventListener("change", (event) => {
  state.writers[state.chat.id] = Number(event.target.value);
});
$("file").addEventListener("change", (event) => {
  const [file] = event.target.files;
  if (file) upload(file);
  event.target.value = "";
});
$("warp").addEventListener("click", warp);
$("menu").addEventListener("click", toggleCommands);

start().catch((error) => toast(error.message));
