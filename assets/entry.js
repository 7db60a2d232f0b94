// The recording step of an entry: record in the page (MediaRecorder, stopped at the contest's
// longest duration), pick a file, or use the phone's own recorder; then the tus upload with
// progress, pause and resume, and every refusal in the page's language.
import { ResumableUpload, UploadRefused } from "./resumable.js";

const section = document.getElementById("recording");

function messages() {
  const map = {};
  for (const item of section.querySelectorAll("#messages li")) map[item.dataset.key] = item.textContent;
  return map;
}

function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function megabytes(bytes) {
  return `${(bytes / 1_000_000).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 })} MB`;
}

if (section) {
  const t = messages();
  const entryId = section.dataset.entry;
  const maxMs = Number(section.dataset.maxS) * 1000;
  const maxBytes = Number(section.dataset.maxBytes);
  const video = section.dataset.video === "true";
  const csrf = document.querySelector("meta[name=csrf-token]")?.content || section.dataset.csrf;
  const $ = (id) => document.getElementById(id);
  for (const id of ["recorder", "pickers"]) $(id).hidden = false;

  const status = $("up-status");
  const progress = $("up-progress");
  const recStatus = $("rec-status");
  let upload = null;

  function say(text) { status.textContent = text; }

  function refusal(error) {
    const code = error instanceof UploadRefused ? error.code : "internal";
    return t[`error-${code}`] || `${t["upload-failed"]} (${code})`;
  }

  async function send(file) {
    if (upload) return;
    if (file.size > maxBytes) { $("uploader").hidden = false; say(t["pick-too-large"]); return; }
    $("uploader").hidden = false;
    for (const id of ["rec-start", "rec-use", "rec-again", "file-pick", "file-capture"]) $(id).disabled = true;
    progress.value = 0;
    say(t["upload-starting"]);
    upload = new ResumableUpload({
      entryId,
      file,
      csrf,
      onProgress(sent, total) {
        const percent = total ? Math.floor((sent / total) * 100) : 0;
        progress.value = percent;
        progress.setAttribute("aria-valuetext", `${percent} %`);
        say(t["upload-progress"].replace("{sent}", megabytes(sent)).replace("{total}", megabytes(total)).replace("{percent}", String(percent)));
      },
      onState(state) {
        $("up-pause").hidden = !["uploading", "retrying", "offline", "starting"].includes(state);
        $("up-resume").hidden = state !== "paused";
        if (state === "paused") say(t["upload-paused"]);
        else if (state === "offline") say(t["upload-offline"]);
        else if (state === "retrying") say(t["upload-retrying"]);
        else if (state === "checking") say(t["upload-checking"]);
      },
    });
    try {
      await upload.run();
      progress.value = 100;
      say(t["upload-done"]);
      section.dataset.uploaded = "true";
      // The page shows the recording and the submit button.
      setTimeout(() => location.reload(), 600);
    } catch (error) {
      say(refusal(error));
      status.classList.add("bad");
      section.dataset.refused = error.code || "internal";
      $("up-pause").hidden = true;
      upload = null;
      for (const id of ["rec-start", "file-pick", "file-capture"]) $(id).disabled = false;
    }
  }

  $("up-pause").addEventListener("click", () => { upload?.pause(); $("up-resume").focus(); });
  $("up-resume").addEventListener("click", () => { upload?.resume(); $("up-pause").focus(); });
  for (const id of ["file-pick", "file-capture"]) {
    $(id).addEventListener("change", (event) => {
      const file = event.target.files?.[0];
      if (file) send(file);
    });
  }

  // Recording in the page.
  const start = $("rec-start"), stop = $("rec-stop"), again = $("rec-again"), use = $("rec-use");
  const preview = $("rec-preview"), elapsed = $("rec-elapsed");
  const types = video
    ? ["video/mp4", "video/webm;codecs=vp8,opus", "video/webm"]
    : ["audio/mp4", "audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"];
  let recorded = null;

  if (!navigator.mediaDevices?.getUserMedia || !window.MediaRecorder) {
    start.hidden = true;
    recStatus.textContent = t["record-unsupported"];
  }

  start.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(video ? { audio: true, video: true } : { audio: true });
    } catch {
      recStatus.textContent = t["record-no-microphone"];
      $("file-pick").focus();
      return;
    }
    const mimeType = types.find((type) => MediaRecorder.isTypeSupported(type)) || "";
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    const chunks = [];
    const began = performance.now();
    let timer = 0;
    let atMax = false;
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
    recorder.addEventListener("stop", () => {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      const type = (recorder.mimeType || mimeType || "audio/webm").split(";")[0];
      const ext = type.endsWith("mp4") ? (video ? "mp4" : "m4a") : type.endsWith("ogg") ? "ogg" : "webm";
      recorded = new File(chunks, `recording.${ext}`, { type });
      preview.src = URL.createObjectURL(recorded);
      preview.hidden = false;
      stop.hidden = true;
      start.hidden = true;
      again.hidden = false;
      use.hidden = false;
      recStatus.textContent = atMax ? `${t["record-stopped-at-max"]} ${t["record-ready"]}` : t["record-ready"];
      use.focus();
    });
    // A quarter second under the limit: the container's duration is a little longer.
    const limit = Math.max(1000, maxMs - 250);
    timer = setInterval(() => {
      const ms = performance.now() - began;
      elapsed.textContent = clock(Math.min(ms, maxMs));
      if (ms >= limit && recorder.state === "recording") { atMax = true; recorder.stop(); }
    }, 100);
    recorder.start(1000);
    recStatus.textContent = t["record-recording"];
    elapsed.textContent = "0:00";
    start.hidden = true;
    again.hidden = true;
    use.hidden = true;
    preview.hidden = true;
    stop.hidden = false;
    stop.focus();
    stop.onclick = () => { if (recorder.state === "recording") recorder.stop(); };
  });

  again.addEventListener("click", () => {
    recorded = null;
    preview.removeAttribute("src");
    start.hidden = false;
    start.click();
  });
  use.addEventListener("click", () => { if (recorded) send(recorded); });
}
