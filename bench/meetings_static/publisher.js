// The webinar stage for the meetings benchmark: one VideoRoom publisher sending the fake
// camera and microphone. `window.benchPublished` holds its feed id and streams (mids)
// once Janus has configured it, so the bench can forward them to the mountpoint.
import Janus from "./janus.es.js";

const params = new URLSearchParams(location.search);
window.benchPublished = null;
window.benchError = null;

function publish(handle) {
  handle.createOffer({
    tracks: [
      { type: "audio", capture: true, recv: false },
      { type: "video", capture: { width: 640, height: 480 }, recv: false },
    ],
    success: (jsep) => handle.send({ message: { request: "configure", audio: true, video: true }, jsep }),
    error: (error) => { window.benchError = String(error); },
  });
}

Janus.init({
  debug: false,
  callback: () => {
    const janus = new Janus({
      server: params.get("server"),
      token: params.get("token"),
      iceServers: [],  // inside the namespace: no STUN server to ask
      success: () => janus.attach({
        plugin: "janus.plugin.videoroom",
        success: (handle) => {
          window.benchHandle = handle;
          handle.send({ message: {
            request: "join", ptype: "publisher", room: Number(params.get("room")), display: "stage",
          } });
        },
        error: (error) => { window.benchError = String(error); },
        onmessage: (message, jsep) => {
          const handle = window.benchHandle;
          if (message.error) window.benchError = message.error;
          if (message.videoroom === "joined") {
            window.benchFeed = message.id;
            publish(handle);
          }
          if (jsep) handle.handleRemoteJsep({ jsep });
          if (message.configured === "ok") {
            window.benchPublished = { id: window.benchFeed, streams: message.streams || [] };
          }
        },
        onlocaltrack: (track, on) => {
          if (track.kind === "video" && on) {
            document.getElementById("local").srcObject = new MediaStream([track]);
          }
        },
      }),
      error: (error) => { window.benchError = String(error); },
    });
  },
});
