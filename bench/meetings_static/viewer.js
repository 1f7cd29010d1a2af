// Audience clients for the meetings benchmark: one Janus session per page and `count`
// Streaming handles on it, each watching the webinar mountpoint and decoding its video
// (drawn into a muted <video> element with render=1). `window.benchStats()` reads every
// peer connection's inbound statistics for the bench.
import Janus from "./janus.es.js";

const params = new URLSearchParams(location.search);
const mountpoint = Number(params.get("mountpoint"));
const count = Number(params.get("count"));
// render=0: decode without drawing (no <video> element), to fit more viewers on the
// bench machine; the decoder still runs, as `framesDecoded` shows.
const render = params.get("render") !== "0";
const viewers = [];
window.benchError = null;

function watch(janus) {
  const viewer = { handle: null, video: null, error: null };
  viewers.push(viewer);
  janus.attach({
    plugin: "janus.plugin.streaming",
    success: (handle) => {
      viewer.handle = handle;
      handle.send({ message: { request: "watch", id: mountpoint } });
    },
    error: (error) => { viewer.error = String(error); },
    onmessage: (message, jsep) => {
      if (message.error) viewer.error = message.error;
      if (!jsep) return;
      viewer.handle.createAnswer({
        jsep,
        tracks: [],
        success: (answer) => viewer.handle.send({ message: { request: "start" }, jsep: answer }),
        error: (error) => { viewer.error = String(error); },
      });
    },
    onremotetrack: (track, mid, on) => {
      if (track.kind !== "video" || !on || viewer.video || !render) return;
      const video = document.createElement("video");
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      video.width = 160;
      video.srcObject = new MediaStream([track]);
      document.getElementById("videos").append(video);
      viewer.video = video;
    },
  });
}

async function statsOf(viewer) {
  const result = { frames: 0, bytes: 0, width: viewer.video ? viewer.video.videoWidth : 0, error: viewer.error };
  const drawn = Boolean(viewer.video);
  const pc = viewer.handle && viewer.handle.webrtcStuff && viewer.handle.webrtcStuff.pc;
  if (!pc) return result;
  const report = await pc.getStats();
  report.forEach((entry) => {
    if (entry.type !== "inbound-rtp") return;
    result.bytes += entry.bytesReceived || 0;
    if (entry.kind !== "video") return;
    result.frames += entry.framesDecoded || 0;
    if (!drawn) result.width = entry.frameWidth || 0;
  });
  return result;
}

window.benchStats = () => Promise.all(viewers.map(statsOf));

Janus.init({
  debug: false,
  callback: () => {
    const janus = new Janus({
      server: params.get("server"),
      token: params.get("token"),
      iceServers: [],  // inside the namespace: no STUN server to ask
      success: () => { for (let i = 0; i < count; i += 1) watch(janus); },
      error: (error) => { window.benchError = String(error); },
    });
  },
});
