// The lobby: a camera and microphone check before joining, and, for someone waiting to be
// admitted, a poll that opens the meeting as soon as a moderator lets them in.
const config = JSON.parse(document.getElementById("lobby-config").textContent);
const MAX_WAIT_POLLS = 720; // an hour at 5 s: then the "Check again" link remains

async function checkDevices() {
  const preview = document.getElementById("preview");
  const status = document.getElementById("device-status");
  if (!preview || !navigator.mediaDevices?.getUserMedia) return;
  const audioOnly = document.getElementById("id_audio_only");
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    preview.srcObject = stream;
    status.textContent = status.dataset.ok || "✓";
    showMicrophoneLevel(stream);
    audioOnly?.addEventListener("change", () => {
      stream.getVideoTracks().forEach((track) => { track.enabled = !audioOnly.checked; });
    });
  } catch {
    status.textContent = status.dataset.failed || "✗";
    if (audioOnly) audioOnly.checked = true;
  }
}

function showMicrophoneLevel(stream) {
  const meter = document.getElementById("mic-level");
  if (!meter || !window.AudioContext || stream.getAudioTracks().length === 0) return;
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  meter.hidden = false;
  const draw = () => {
    analyser.getByteTimeDomainData(samples);
    const peak = samples.reduce((max, value) => Math.max(max, Math.abs(value - 128)), 0);
    meter.value = peak / 128;
    window.requestAnimationFrame(draw);
  };
  draw();
}

async function waitForAdmission() {
  if (!document.getElementById("waiting-status")) return;
  for (let attempt = 0; attempt < MAX_WAIT_POLLS; attempt += 1) {
    await new Promise((resolve) => window.setTimeout(resolve, 2000 + Math.random() * 3000));
    try {
      const response = await fetch(config.state_url, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      if (state.me.state === "removed" || state.status === "ended") {
        window.location.reload();
        return;
      }
      if (state.me.state === "admitted" && (state.started || state.me.role === "moderator")) {
        window.location.assign(config.room_url);
        return;
      }
    } catch {
      // A dropped request: try again at the next turn.
    }
  }
}

checkDevices();
waitForAdmission();
