// The progress bar of a background task (a general-ledger import, a report): asks the task's progress endpoint
// every second and moves the bar; when the task has finished (or stopped) the page reloads to show the result. Without JavaScript the page
// refreshes itself (a meta refresh inside <noscript>), so this is an enhancement only.
const POLL_MS = 1000;

function start(element) {
  const url = element.dataset.progressUrl;
  const bar = element.querySelector("progress");
  const label = element.querySelector("label");
  const text = element.querySelector("[data-progress-text]");
  let announced = -1;

  async function poll() {
    let state;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch (error) {
      window.setTimeout(poll, POLL_MS * 3);
      return;
    }
    if (state.finished) {
      window.location.reload();
      return;
    }
    if (state.total) {
      bar.max = state.total;
      bar.value = state.done;
      bar.textContent = `${state.percent}%`;
    } else {
      bar.removeAttribute("value");
    }
    label.textContent = state.text;
    // Screen readers hear the progress at each tenth, not every second.
    const tenth = state.percent === null ? -1 : Math.floor(state.percent / 10);
    if (tenth !== announced || state.stage === "posting") {
      announced = tenth;
      text.textContent = state.text;
    }
    window.setTimeout(poll, POLL_MS);
  }

  window.setTimeout(poll, POLL_MS);
}

document.querySelectorAll('[data-module="s75-import-progress"]').forEach(start);
