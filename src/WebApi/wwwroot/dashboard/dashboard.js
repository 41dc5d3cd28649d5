// EasyMO Voice operator dashboard: figures from GET /api/stats/calls, the latest calls from GET /api/calls and the calls
// back from /api/callbacks (request one, cancel a queued one), and a person's export and erasure, behind an operator
// token; each section shows only for the roles that may use it (GET /api/me) (kept in sessionStorage: this tab only). No build step; Chart.js is vendored (vendor/chart.js).
"use strict";

(() => {
  const TOKEN_KEY = "easymo.adminToken";
  const REFRESH_MS = 15000;
  const OUTCOMES = ["ended", "accepted", "missed", "rejected", "failed", "ringing"];
  const OUTCOME_COLOURS = {
    ended: "#0b7a5a", accepted: "#35a47f", missed: "#e0a21b", rejected: "#c8553d", failed: "#8c1d17", ringing: "#7a8699",
  };
  const PALETTE = ["#0b7a5a", "#2f6fb0", "#e0a21b", "#8e5bb5", "#c8553d", "#7a8699"];
  const LANGUAGES = { en: "English", fr: "French", rw: "Kinyarwanda" };

  const $ = (id) => document.getElementById(id);
  const charts = {};
  let timer = null;
  let roles = [];

  const may = (role) => roles.includes(role);

  // What the token's roles may see (GET /api/me): elements marked data-needs="viewer|operator|privacy" show only then.
  function applyRoles() {
    for (const element of document.querySelectorAll("[data-needs]")) {
      element.hidden = !may(element.dataset.needs);
    }
  }

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function api(path, init = {}) {
    const headers = { Authorization: `Bearer ${token()}`, Accept: "application/json" };
    if (init.body) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { ...init, headers });
    if (response.status === 401) {
      throw Object.assign(new Error("The token was refused."), { unauthorized: true });
    }
    if (!response.ok) {
      let detail = `${response.status}`;
      try {
        const problem = await response.json();
        detail = problem.detail ?? (Object.values(problem.errors ?? {}).flat().join(" ") || detail);
      } catch { /* not problem details */ }
      throw Object.assign(new Error(`${path}: ${detail}`), { detail });
    }
    return response.status === 204 ? null : response.json();
  }

  function showGate(message) {
    clearInterval(timer);
    timer = null;
    liveStream?.abort();
    liveStream = null;
    $("board").hidden = true;
    $("controls").hidden = true;
    $("gate").hidden = false;
    $("gate-error").textContent = message ?? "";
    $("token").focus();
  }

  function showBoard() {
    $("gate").hidden = true;
    $("board").hidden = false;
    $("controls").hidden = false;
  }

  const percent = (rate) => (rate == null ? "–" : `${Math.round(rate * 1000) / 10}%`);

  function ms(value) {
    return value === null || value === undefined ? "–" : `${value} ms`;
  }

  function waits(quality) {
    if (!quality || !quality.turns) return "–";
    return `p50 ${quality.turnP50Ms} ms · p95 ${quality.turnP95Ms} ms · longest ${quality.turnMaxMs} ms (${quality.turns} turns)`;
  }

  function duration(seconds) {
    if (seconds == null) return "–";
    const s = Math.round(seconds);
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  }

  const when = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" }) : "–");

  function chart(id, config) {
    if (typeof Chart === "undefined") return; // the figures above still show
    if (charts[id]) {
      charts[id].data = config.data;
      charts[id].update("none");
      return;
    }
    charts[id] = new Chart($(id), { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
  }

  function renderStats(stats) {
    $("kpi-total").textContent = stats.total ?? 0;
    $("kpi-answer").textContent = percent(stats.answerRate);
    $("kpi-fallback").textContent = percent(stats.fallbackRate);
    $("kpi-mean").textContent = duration(stats.meanDurationSeconds);
    $("kpi-p90").textContent = duration(stats.p90DurationSeconds);
    const lastWaits = (stats.waitsByDay ?? []).filter((day) => day.turnWaitP95Ms !== null).at(-1);
    $("kpi-wait").textContent = lastWaits ? ms(lastWaits.turnWaitP95Ms) : "–";
    $("kpi-wait").title = lastWaits ? `${lastWaits.date}: ${lastWaits.turns} turns over ${lastWaits.calls} calls` : "";
    // Voice at the configured prices; seconds of a runtime or model without a price are left out, and said so.
    const unpriced = (stats.costByDay ?? []).reduce((sum, day) => sum + (day.unpricedSeconds ?? 0), 0);
    $("kpi-cost").textContent = `$${Number(stats.costUsd ?? 0).toFixed(2)}${unpriced > 0 ? " *" : ""}`;
    $("kpi-cost").title = unpriced > 0 ? `${duration(unpriced)} of voice without a configured price (Pricing:Realtime:<model>)` : "";
    $("live-count").textContent = stats.liveNow ?? 0;

    const days = stats.byDay ?? [];
    const present = OUTCOMES.filter((outcome) => days.some((day) => (day.byStatus?.[outcome] ?? 0) > 0));
    chart("chart-days", {
      type: "bar",
      data: {
        labels: days.map((day) => day.date),
        datasets: present.map((outcome) => ({
          label: outcome,
          data: days.map((day) => day.byStatus?.[outcome] ?? 0),
          backgroundColor: OUTCOME_COLOURS[outcome],
        })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });

    const split = (id, counts, names) => {
      const keys = Object.keys(counts ?? {}).filter((key) => counts[key] > 0);
      chart(id, {
        type: "doughnut",
        data: { labels: keys.map((key) => names?.[key] ?? key), datasets: [{ data: keys.map((key) => counts[key]), backgroundColor: PALETTE }] },
        options: { plugins: { legend: { position: "bottom" } } },
      });
    };
    split("chart-languages", stats.byLanguage, LANGUAGES);
    split("chart-channels", stats.byChannel, { whatsapp: "WhatsApp", phone: "Phone" });
    split("chart-identities", stats.byIdentity, { verified: "Verified", unverified: "Unverified" });

    renderAnalysis(stats.analysis);

    const buckets = stats.durationHistogram ?? [];
    let previous = 0;
    chart("chart-durations", {
      type: "bar",
      data: {
        labels: buckets.map((bucket) => {
          const label = bucket.upToSeconds == null ? `> ${duration(previous)}` : `≤ ${duration(bucket.upToSeconds)}`;
          previous = bucket.upToSeconds ?? previous;
          return label;
        }),
        datasets: [{ label: "calls", data: buckets.map((bucket) => bucket.count), backgroundColor: "#2f6fb0" }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  // The post-call analyses (consented calls only): the share of analysed calls whose need was met, by day, then by
  // service, on one percent axis; and the callers' sentiment.
  let analysisRows = [];
  function renderAnalysis(analysis) {
    const days = analysis?.byDay ?? [];
    const services = analysis?.byService ?? [];
    analysisRows = [...days, ...services]; // what the tooltip tells, kept across refreshes (an update keeps the options)
    chart("chart-resolution", {
      type: "bar",
      data: {
        labels: [...days.map((day) => day.date), ...services.map((service) => service.service)],
        datasets: [
          { label: "resolved, by day", data: [...days.map((day) => Math.round(day.resolutionRate * 100)), ...services.map(() => null)], backgroundColor: "#2e8b57" },
          { label: "resolved, by service", data: [...days.map(() => null), ...services.map((service) => Math.round(service.resolutionRate * 100))], backgroundColor: "#2f6fb0" },
        ],
      },
      options: {
        scales: { x: { stacked: true }, y: { beginAtZero: true, max: 100, ticks: { callback: (value) => `${value} %` } } },
        plugins: { tooltip: { callbacks: { footer: (items) => {
          const row = analysisRows[items[0]?.dataIndex ?? -1];
          return row ? `${row.analysed} analysed: ${row.resolved} resolved, ${row.followUp} follow-up, ${row.notResolved} not resolved` : "";
        } } } },
      },
    });
    const sentiment = analysis?.bySentiment ?? {};
    const keys = ["positive", "neutral", "negative"];
    chart("chart-sentiment", {
      type: "doughnut",
      data: { labels: keys, datasets: [{ data: keys.map((key) => sentiment[key] ?? 0), backgroundColor: ["#2e8b57", "#9aa5b1", "#c0392b"] }] },
      options: { plugins: { legend: { position: "bottom" } } },
    });
  }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function renderCalls(page) {
    const body = $("calls").tBodies[0];
    body.replaceChildren();
    for (const call of page.items ?? []) {
      const row = body.insertRow();
      row.dataset.callId = call.callId;
      const started = cell(row, "");
      const link = document.createElement("a");
      link.href = `#call/${encodeURIComponent(call.callId)}`;
      link.textContent = when(call.startedAt);
      started.append(link);
      cell(row, call.caller ?? "anonymous");
      cell(row, call.identity, `identity identity-${call.identity}`);
      cell(row, call.channel);
      cell(row, call.language);
      const status = cell(row, "");
      const badge = document.createElement("span");
      badge.className = `status status-${call.status}`;
      badge.textContent = call.status;
      status.append(badge);
      cell(row, duration(call.durationSeconds));
    }
    $("calls-empty").hidden = (page.items ?? []).length > 0;
  }

  const REASONS = { busy: "line busy", accept_failed: "not answered", operator: "operator" };

  function renderCallbacks(callbacks) {
    const body = $("callbacks").tBodies[0];
    body.replaceChildren();
    for (const callback of callbacks ?? []) {
      const row = body.insertRow();
      row.dataset.callbackId = callback.id;
      cell(row, when(callback.requestedAt));
      cell(row, callback.phone);
      cell(row, REASONS[callback.reason] ?? callback.reason);
      const status = cell(row, "");
      const badge = document.createElement("span");
      badge.className = `status status-${callback.status}`;
      badge.textContent = callback.status.replace("_", " ");
      badge.title = callback.error ?? "";
      status.append(badge);
      const actions = cell(row, "");
      if (callback.status === "queued" && may("operator")) {
        const cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "link cancel";
        cancel.textContent = "cancel";
        cancel.addEventListener("click", () => changeCallback(`/api/callbacks/${encodeURIComponent(callback.id)}/cancel`));
        actions.append(cancel);
      } else if (callback.sessionId) {
        const link = document.createElement("a");
        link.href = `#call/${encodeURIComponent(callback.sessionId)}`;
        link.textContent = "call";
        actions.append(link);
      }
    }
    $("callbacks-empty").hidden = (callbacks ?? []).length > 0;
  }

  async function changeCallback(path, body) {
    try {
      await api(path, { method: "POST", body: body ? JSON.stringify(body) : undefined });
      $("callbacks-error").textContent = "";
      renderCallbacks(await api("/api/callbacks?limit=20"));
      return true;
    } catch (error) {
      $("callbacks-error").textContent = error.unauthorized ? "The token was refused." : error.detail ?? error.message;
      return false;
    }
  }

  // A person's data (privacy role): the export is offered as a JSON file, the erasure asks first.
  async function exportPerson() {
    const phone = $("privacy-phone").value.trim();
    try {
      const data = await api(`/api/profiles/${encodeURIComponent(phone)}/export`);
      const counts = Object.entries(data.tables ?? {}).map(([table, rows]) => `${table} ${rows.length}`).join(", ");
      $("privacy-error").textContent = "";
      $("privacy-result").textContent = `Exported ${phone}: ${counts}.`;
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      link.download = `easymo-export-${phone.replace(/[^0-9]/g, "")}.json`;
      link.textContent = "download";
      $("privacy-result").append(" ", link);
    } catch (error) {
      $("privacy-error").textContent = error.detail ?? error.message;
    }
  }

  async function erasePerson() {
    const phone = $("privacy-phone").value.trim();
    if (!phone || !confirm(`Erase everything held about ${phone}? This cannot be undone.`)) return;
    try {
      await api(`/api/profiles/${encodeURIComponent(phone)}`, { method: "DELETE" });
      $("privacy-error").textContent = "";
      $("privacy-result").textContent = `Erased ${phone}.`;
    } catch (error) {
      $("privacy-error").textContent = error.detail ?? error.message;
    }
  }

  function list(id, items, render) {
    const ol = $(id);
    ol.replaceChildren();
    for (const item of items ?? []) {
      const li = document.createElement("li");
      render(li, item);
      ol.append(li);
    }
  }

  async function showCall(callId) {
    const call = await api(`/api/calls/${encodeURIComponent(callId)}`);
    $("detail").hidden = false;
    $("detail-id").textContent = call.callId;
    const fields = $("detail-fields");
    fields.replaceChildren();
    const rows = [
      ["Status", call.status], ["Channel", call.trunk ? `${call.channel} (${call.trunk})` : call.channel],
      ["Language", LANGUAGES[call.language] ?? call.language], ["Caller", call.callerName ? `${call.caller} (${call.callerName})` : call.caller ?? "anonymous"],
      ["Caller identity", call.identity === "unverified" ? "unverified (number not attested by the SIP edge)" : call.identity],
      ["Dialled", call.callee ?? "–"], ["Started", when(call.startedAt)], ["Ended", when(call.endedAt)],
      ["Duration", duration(call.durationSeconds)], ["End reason", call.endReason ?? "–"],
      ["Consent to keep", (call.consent ?? "–").replace("_", " ")],
      ["Caller's wait per turn", waits(call.quality)],
      ["Wait for the greeting", ms(call.quality?.greetingMs)],
      ["Longest tool round trip", ms(call.quality?.toolMaxMs)],
    ];
    for (const [name, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value ?? "–";
      fields.append(dt, dd);
    }
    list("detail-events", call.events ?? call.activities, (li, event) => {
      li.textContent = `${when(event.at)} · ${event.type ?? event.kind ?? ""} ${event.name ?? ""} ${event.detail ?? ""}`.trim();
    });
    list("detail-transcript", call.transcript, (li, turn) => {
      const speaker = document.createElement("span");
      speaker.className = "speaker";
      speaker.textContent = `${turn.speaker}:`;
      li.append(speaker, document.createTextNode(turn.text));
    });
    $("detail-summary").textContent = call.summary ?? `(${call.summaryStatus ?? "none"})`;
    // The warm transfer's briefs: what the person who took the call read first, and how far WhatsApp got with it.
    list("detail-briefs", call.transferBriefs, (li, brief) => {
      const head = document.createElement("span");
      head.className = "brief-head";
      const delivery = brief.deliveryStatus ?? brief.status.replace("_", " ");
      head.textContent = `#${brief.ordinal} to ${brief.recipient} · ${when(brief.queuedAt)} · ${delivery}${brief.lastError ? ` (${brief.lastError})` : ""}`;
      const text = document.createElement("pre");
      text.className = "brief-text";
      text.textContent = brief.text;
      li.append(head, text);
    });
    if (!(call.transferBriefs ?? []).length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "(none)";
      $("detail-briefs").append(li);
    }
    $("detail").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function refresh() {
    const days = $("days").value;
    try {
      roles = (await api("/api/me")).roles ?? [];
      applyRoles();
      if (may("viewer")) {
        const [stats, calls, callbacks] = await Promise.all([
          api(`/api/stats/calls?days=${days}`), api("/api/calls?limit=20"), api("/api/callbacks?limit=20"),
        ]);
        renderStats(stats);
        renderCalls(calls);
        renderCallbacks(callbacks);
      }
      showBoard();
      $("days").hidden = !may("viewer");
      $("error").textContent = "";
      $("refreshed").textContent = `updated ${new Date().toLocaleTimeString()}`;
      document.body.dataset.loaded = "true";
    } catch (error) {
      if (error.unauthorized) {
        sessionStorage.removeItem(TOKEN_KEY);
        showGate("That token was refused. Check EASYMO_ADMIN_TOKEN or your role token (EASYMO_VIEWER_TOKENS, …).");
      } else {
        $("error").textContent = `Could not refresh: ${error.message}`;
      }
    }
  }

  // The live view: GET /api/live/calls, server-sent events read from a fetch stream (EventSource cannot send the token).
  const liveCalls = new Map();
  let liveStream = null;

  function liveRow(call) {
    let row = document.querySelector(`#live-calls tbody tr[data-call-id="${CSS.escape(call.callId)}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.callId = call.callId;
      for (const name of ["caller", "language", "duration", "wait", "transcript", "act"]) {
        const cell = document.createElement("td");
        cell.className = name;
        row.append(cell);
      }
      const end = document.createElement("button");
      end.type = "button";
      end.textContent = "End";
      end.className = "end";
      end.addEventListener("click", () => act(call.callId, "end"));
      const transfer = document.createElement("button");
      transfer.type = "button";
      transfer.textContent = "Transfer";
      transfer.className = "transfer";
      transfer.addEventListener("click", () => act(call.callId, "transfer"));
      row.querySelector("td.act").append(end, transfer);
      row.querySelector("td.act").hidden = !may("operator");
      $("live-calls").querySelector("tbody").append(row);
    }
    row.querySelector("td.caller").textContent = call.caller ?? "anonymous";
    row.querySelector("td.language").textContent = call.language ?? "–";
    row.querySelector("td.wait").textContent = ms(call.lastWaitMs);
    return row;
  }

  function renderLive() {
    for (const call of liveCalls.values()) {
      const row = liveRow(call);
      const seconds = Math.max(0, Math.round((Date.now() - Date.parse(call.startedAt)) / 1000));
      row.querySelector("td.duration").textContent = duration(seconds);
    }
    for (const row of document.querySelectorAll("#live-calls tbody tr")) {
      if (!liveCalls.has(row.dataset.callId)) row.remove();
    }
    $("live-empty").hidden = liveCalls.size > 0;
  }

  function onLive(kind, data) {
    if (kind === "snapshot") {
      liveCalls.clear();
      for (const call of data) liveCalls.set(call.callId, { ...call, turns: [] });
    } else if (kind === "started") {
      const known = liveCalls.get(data.callId);
      liveCalls.set(data.callId, { callId: data.callId, caller: data.caller, language: data.language, startedAt: data.startedAt ?? data.at, consented: data.consented, turns: known?.turns ?? [], lastWaitMs: known?.lastWaitMs });
    } else if (kind === "ended") {
      liveCalls.delete(data.callId);
    } else if (liveCalls.has(data.callId)) {
      const call = liveCalls.get(data.callId);
      if (kind === "wait") call.lastWaitMs = data.waitMs;
      if (kind === "turn" && data.text) {
        const item = document.createElement("div");
        item.className = "turn";
        item.textContent = `${data.speaker}: ${data.text}`;
        liveRow(call).querySelector("td.transcript").append(item);
      }
    }
    renderLive();
  }

  async function watchLive() {
    if (liveStream || !may("viewer")) return;
    liveStream = new AbortController();
    const stream = liveStream;
    try {
      const response = await fetch("/api/live/calls", { headers: { Authorization: `Bearer ${token()}`, Accept: "text/event-stream" }, signal: stream.signal });
      if (!response.ok) throw new Error(`${response.status}`);
      $("live-state").textContent = "· live";
      $("live-error").textContent = "";
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let kind = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) kind = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) onLive(kind, JSON.parse(data));
        }
      }
    } catch (error) {
      if (stream.signal.aborted) return;
      $("live-error").textContent = `The live view stopped: ${error.message}`;
    }
    $("live-state").textContent = "";
    if (liveStream === stream) liveStream = null;
    setTimeout(watchLive, 2000); // reconnect
  }

  async function act(callId, action) {
    try {
      await api(`/api/calls/${encodeURIComponent(callId)}/${action}`, { method: "POST" });
      $("live-error").textContent = "";
    } catch (error) {
      $("live-error").textContent = `${action === "end" ? "Ending" : "Transferring"} the call failed: ${error.detail ?? error.message}`;
    }
  }

  setInterval(() => { if (liveCalls.size > 0) renderLive(); }, 1000);

  function start() {
    refresh().then(watchLive);
    clearInterval(timer);
    timer = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  async function route() {
    const match = location.hash.match(/^#call\/(.+)$/);
    if (!match) {
      $("detail").hidden = true;
      return;
    }
    try {
      await showCall(decodeURIComponent(match[1]));
    } catch (error) {
      $("error").textContent = error.unauthorized ? "The token was refused." : `Could not open the call: ${error.message}`;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("gate-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
      $("token").value = "";
      start();
      route();
    });
    $("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showGate();
    });
    $("days").addEventListener("change", refresh);
    $("privacy-form").addEventListener("submit", (event) => {
      event.preventDefault();
      exportPerson();
    });
    $("privacy-erase").addEventListener("click", erasePerson);
    $("callback-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await changeCallback("/api/callbacks", { phone: $("callback-phone").value.trim() })) {
        $("callback-phone").value = "";
      }
    });
    $("detail-close").addEventListener("click", (event) => {
      event.preventDefault();
      history.replaceState(null, "", location.pathname);
      $("detail").hidden = true;
    });
    window.addEventListener("hashchange", route);
    document.addEventListener("visibilitychange", () => { if (!document.hidden && token()) refresh(); });

    if (token()) {
      start();
      route();
    } else {
      showGate();
    }
  });
})();
