// The live meeting page: Janus media (janus.js) and the room's state, polled from Colombe.
// Configuration comes from the json_script block "room-config"; translated labels from
// the <template id="room-strings"> data attributes (the script holds no strings).
import Janus from "../vendor/janus/janus.es.js";

const config = JSON.parse(document.getElementById("room-config").textContent);
const strings = document.getElementById("room-strings").dataset;
const csrfToken = document.querySelector("#csrf-form input[name=csrfmiddlewaretoken]").value;
const grant = config.grant.config;
const stage = document.getElementById("stage");
const announcer = document.getElementById("announcer");
const connectionStatus = document.getElementById("connection-status");

let janus = null;
let publisher = null;
let lastChatId = 0;
let previous = null;
let stopped = false;
const subscriptions = new Map(); // feed id -> plugin handle
const watched = new Map(); // mountpoint id -> plugin handle
const MAX_POLL_FAILURES = 30;

// Small helpers -------------------------------------------------------------------------

function announce(text) {
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text; // never innerHTML: names and chat are user content
  return node;
}

async function post(url, fields) {
  const body = new URLSearchParams(fields);
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({ ok: false }));
  if (!answer.ok && answer.error) announce(answer.error);
  return answer;
}

function tileFor(id, label, { local = false } = {}) {
  let tile = document.getElementById(`tile-${id}`);
  if (tile) return tile;
  tile = element("figure", { id: `tile-${id}`, class: "tile" });
  // Remote videos are muted and their sound goes to an <audio>: a muted video may
  // always autoplay, so the picture never waits for a click.
  const video = element("video", {
    autoplay: "", playsinline: "", "aria-label": `${strings.videoOf} ${label}`,
    "data-feed": String(id),
  });
  video.muted = true;
  tile.append(video, element("figcaption", {}, local ? `${label} (${strings.you})` : label));
  if (!local) tile.append(element("audio", { autoplay: "" }));
  stage.append(tile);
  return tile;
}

function attachTrack(tile, track) {
  const target = track.kind === "video" ? tile.querySelector("video") : tile.querySelector("audio");
  if (!target) return;
  const stream = target.srcObject || new MediaStream();
  stream.getTracks().filter((t) => t.kind === track.kind).forEach((t) => stream.removeTrack(t));
  stream.addTrack(track);
  target.srcObject = stream;
  target.play().catch(() => {});
}

function dropTile(id) {
  document.getElementById(`tile-${id}`)?.remove();
}

// Media: publishing ----------------------------------------------------------------------

function connect() {
  Janus.init({
    debug: false,
    callback: () => {
      janus = new Janus({
        server: grant.server,
        token: grant.token,
        // Always a list, even empty: janus.js would otherwise ask a third party's STUN server.
        iceServers: grant.ice_servers || [],
        success: () => (grant.publish ? joinAsPublisher() : watchStreams(grant.mountpoints || [])),
        error: () => { connectionStatus.textContent = strings.connectionFailed; },
        destroyed: () => {},
      });
    },
  });
}

function joinAsPublisher() {
  janus.attach({
    plugin: "janus.plugin.videoroom",
    token: grant.token,
    success: (handle) => {
      publisher = handle;
      handle.send({
        message: {
          request: "join", ptype: "publisher", room: grant.room, id: grant.feed,
          display: grant.display, token: grant.token,
        },
      });
    },
    error: () => { connectionStatus.textContent = strings.connectionFailed; },
    onmessage: onPublisherMessage,
    onlocaltrack: (track, on) => {
      if (on && track.kind === "video") attachTrack(tileFor(grant.feed, grant.display, { local: true }), track);
    },
    webrtcState: (up) => {
      if (up) {
        connectionStatus.textContent = strings.connected;
        post(config.urls.published, {});
      }
    },
  });
}

function onPublisherMessage(message, jsep) {
  const event = message.videoroom;
  if (event === "joined") {
    publish();
    subscribeAll(message.publishers || []);
  } else if (event === "event") {
    subscribeAll(message.publishers || []);
    const gone = message.leaving || message.unpublished || message.kicked;
    if (gone && gone !== "ok") unsubscribe(gone);
    if (message.error) connectionStatus.textContent = strings.connectionFailed;
  }
  if (jsep) publisher.handleRemoteJsep({ jsep });
}

function publish() {
  const tracks = [{ type: "audio", capture: true, recv: false }];
  if (!config.audio_only) tracks.push({ type: "video", capture: true, recv: false });
  publisher.createOffer({
    tracks,
    success: (jsep) => publisher.send({
      message: { request: "configure", audio: true, video: !config.audio_only }, jsep,
    }),
    error: () => { connectionStatus.textContent = strings.connectionFailed; },
  });
}

// Media: receiving ------------------------------------------------------------------------

function subscribeAll(publishers) {
  for (const feed of publishers) {
    if (feed.id !== grant.feed && !subscriptions.has(feed.id)) subscribe(feed.id, feed.display);
  }
}

function subscribe(feedId, display) {
  subscriptions.set(feedId, null);
  janus.attach({
    plugin: "janus.plugin.videoroom",
    token: grant.token,
    success: (handle) => {
      subscriptions.set(feedId, handle);
      handle.send({
        message: {
          request: "join", ptype: "subscriber", room: grant.room,
          streams: [{ feed: feedId }], token: grant.token,
        },
      });
    },
    onmessage: (message, jsep) => answerOffer(subscriptions.get(feedId), jsep, { request: "start", room: grant.room }),
    onremotetrack: (track, mid, on) => {
      if (on) attachTrack(tileFor(feedId, display), track);
    },
    oncleanup: () => dropTile(feedId),
  });
}

function dropDepartedFeeds(participants) {
  // Janus tells publishers who leaves, but a removed person's last event may be lost:
  // the room's list from Colombe is the reference.
  const present = new Set(participants.map((person) => Number(person.feed)));
  for (const feedId of subscriptions.keys()) {
    if (!present.has(feedId)) unsubscribe(feedId);
  }
}

function unsubscribe(feedId) {
  subscriptions.get(feedId)?.detach();
  subscriptions.delete(feedId);
  dropTile(feedId);
}

function answerOffer(handle, jsep, startMessage) {
  if (!handle || !jsep) return;
  handle.createAnswer({
    jsep,
    tracks: [{ type: "data" }],
    success: (answer) => handle.send({ message: startMessage, jsep: answer }),
    error: () => { connectionStatus.textContent = strings.connectionFailed; },
  });
}

function watchStreams(mountpoints) {
  if (!janus) return;
  connectionStatus.textContent = strings.connected;
  for (const id of mountpoints) {
    if (!watched.has(id)) watch(id);
  }
}

function watch(mountpointId) {
  watched.set(mountpointId, null);
  janus.attach({
    plugin: "janus.plugin.streaming",
    token: grant.token,
    success: (handle) => {
      watched.set(mountpointId, handle);
      handle.send({ message: { request: "watch", id: mountpointId } });
    },
    onmessage: (message, jsep) => answerOffer(watched.get(mountpointId), jsep, { request: "start" }),
    onremotetrack: (track, mid, on) => {
      if (on) attachTrack(tileFor(`stream-${mountpointId}`, strings.stageStream), track);
    },
    oncleanup: () => dropTile(`stream-${mountpointId}`),
  });
}

// Controls ---------------------------------------------------------------------------------

function toggle(button, on, labelOn, labelOff) {
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? labelOn : labelOff;
}

function bindControls() {
  const mic = document.getElementById("toggle-mic");
  mic?.addEventListener("click", () => {
    if (!publisher) return;
    const muted = publisher.isAudioMuted();
    if (muted) publisher.unmuteAudio(); else publisher.muteAudio();
    toggle(mic, !muted, strings.unmuteMic, strings.muteMic);
  });
  const camera = document.getElementById("toggle-camera");
  camera?.addEventListener("click", () => {
    if (!publisher) return;
    const off = publisher.isVideoMuted();
    if (off) publisher.unmuteVideo(); else publisher.muteVideo();
    toggle(camera, !off, strings.cameraOn, strings.cameraOff);
  });
  document.getElementById("share-screen")?.addEventListener("click", () => {
    publisher?.replaceTracks({ tracks: [{ type: "screen", mid: "1", capture: true }] });
  });
  const hand = document.getElementById("toggle-hand");
  hand.addEventListener("click", () => {
    const raised = hand.getAttribute("aria-pressed") !== "true";
    post(config.urls.hand, { raised: raised ? "1" : "0" }).then(poll);
  });
  const chat = document.getElementById("chat-form");
  chat.addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(chat));
    post(config.urls.chat_post, fields).then((answer) => {
      if (answer.ok) chat.reset();
      poll();
    });
  });
  document.getElementById("toggle-lock")?.addEventListener("click", (event) => {
    const locked = event.currentTarget.getAttribute("aria-pressed") === "true";
    post(config.urls.moderate, { action: locked ? "unlock" : "lock" }).then(poll);
  });
  document.getElementById("toggle-recording")?.addEventListener("click", (event) => {
    const recording = event.currentTarget.getAttribute("aria-pressed") === "true";
    post(config.urls.recording, { action: recording ? "stop" : "start" }).then(poll);
  });
  document.getElementById("leave").addEventListener("click", () => { stopped = true; janus?.destroy(); });
}

function moderationButton(label, action, participantId, confirmText = "") {
  const button = element("button", { type: "button", class: "button small secondary" }, label);
  button.addEventListener("click", () => {
    if (confirmText && !window.confirm(confirmText)) return;
    post(config.urls.moderate, { action, participant: participantId }).then(poll);
  });
  return button;
}

// State ------------------------------------------------------------------------------------

function renderPeople(state) {
  const list = document.getElementById("people");
  const isModerator = state.me.role === "moderator";
  list.replaceChildren(...state.participants.map((person) => {
    const item = element("li", {}, person.name);
    item.append(" ", element("span", { class: "badge" }, person.role_label));
    if (isModerator && person.id !== state.me.id) {
      const actions = element("span", { class: "person-actions" });
      actions.append(moderationButton(strings.mute, "mute", person.id));
      if (config.webinar && person.role === "audience") actions.append(moderationButton(strings.promote, "promote", person.id));
      if (config.webinar && person.role === "speaker") actions.append(moderationButton(strings.demote, "demote", person.id));
      actions.append(moderationButton(strings.remove, "remove", person.id, strings.removeConfirm));
      item.append(" ", actions);
    }
    return item;
  }));
  document.getElementById("people-count").textContent = String(state.participants.length + state.audience_count);
  const queue = state.participants.filter((person) => person.hand_raised_at);
  document.getElementById("queue").replaceChildren(...queue.map((person) => {
    const item = element("li", {}, person.name);
    if (isModerator) item.append(" ", moderationButton(strings.lower, "lower_hand", person.id));
    return item;
  }));
  document.getElementById("queue-empty").hidden = queue.length > 0;
}

function renderLobby(state) {
  const list = document.getElementById("lobby-list");
  if (!list || !state.lobby) return;
  list.replaceChildren(...state.lobby.map((person) => {
    const label = person.state === "removed" ? `${person.name} (${strings.removedState})` : person.name;
    const item = element("li", {}, label);
    item.append(" ", moderationButton(strings.admit, "admit", person.id));
    return item;
  }));
  document.getElementById("lobby-empty").hidden = state.lobby.length > 0;
}

function renderChat(state) {
  const chat = document.getElementById("chat");
  for (const message of state.chat) {
    if (message.id <= lastChatId) continue;
    lastChatId = message.id;
    const item = element("li", { class: message.is_question ? "question" : "" });
    item.append(element("strong", {}, message.author), ": ");
    if (message.is_question) item.append(element("span", { class: "badge" }, strings.question), " ");
    item.append(document.createTextNode(message.body));
    chat.append(item);
  }
}

function renderFlags(state) {
  document.getElementById("recording-notice").hidden = !state.recording;
  document.getElementById("relay-notice").hidden = !state.relayed;
  document.getElementById("lock-status").textContent = state.locked ? `· ${strings.locked}` : "";
  const hand = document.getElementById("toggle-hand");
  toggle(hand, state.me.hand_raised, strings.lowerHand, strings.raiseHand);
  const lock = document.getElementById("toggle-lock");
  if (lock) toggle(lock, state.locked, strings.unlock, strings.lock);
  const recording = document.getElementById("toggle-recording");
  if (recording) toggle(recording, state.recording, strings.stopRecording, strings.startRecording);
}

function announceChanges(state) {
  if (!previous) return;
  if (state.recording !== previous.recording) {
    announce(state.recording ? strings.recordingStarted : strings.recordingStopped);
  }
  if (state.relayed !== previous.relayed) {
    announce(state.relayed ? strings.relayStarted : strings.relayStopped);
  }
  const hadHand = new Set(previous.participants.filter((p) => p.hand_raised_at).map((p) => p.id));
  for (const person of state.participants) {
    if (person.hand_raised_at && !hadHand.has(person.id)) announce(`${person.name} ${strings.raisedHand}`);
  }
  if (state.me.muted_by_moderator && !previous.me.muted_by_moderator) {
    publisher?.muteAudio();
    announce(strings.mutedByModerator);
  }
}

function finish(text) {
  stopped = true;
  janus?.destroy();
  stage.replaceChildren();
  connectionStatus.textContent = text;
  announce(text);
  document.querySelector(".controls")?.setAttribute("hidden", "");
}

function apply(state) {
  if (state.me.state === "removed") return finish(strings.removed);
  if (state.status === "ended" || state.me.state === "left") return finish(strings.ended);
  if (previous && state.me.role !== previous.me.role) {
    // Brought on stage or back to the audience: rejoin with the new rights.
    stopped = true;
    window.location.reload();
    return;
  }
  announceChanges(state);
  renderPeople(state);
  renderLobby(state);
  renderChat(state);
  renderFlags(state);
  if (grant.publish) dropDepartedFeeds(state.participants);
  else watchStreams(state.streams || []);
  previous = state;
}

let failures = 0;
let timer = null;

async function poll() {
  window.clearTimeout(timer);
  if (stopped) return;
  let delay = 2000;
  try {
    const response = await fetch(`${config.urls.room_state}?since=${lastChatId}`, {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    if (response.status === 404) return finish(strings.ended);
    const state = await response.json();
    apply(state);
    failures = 0;
    delay = state.poll_ms;
  } catch {
    failures += 1;
    if (failures > MAX_POLL_FAILURES) return finish(strings.connectionFailed);
  }
  // Jitter spreads a large audience's requests instead of sending them in waves.
  if (!stopped) timer = window.setTimeout(poll, delay * (0.8 + Math.random() * 0.4));
}

bindControls();
if (config.grant.client === "redirect" && config.grant.redirect) {
  window.location.assign(config.grant.redirect);
} else {
  connect();
  poll();
}
