// builtby's recruiter workflow on the page (the /api/shortlists, /api/outreach endpoints): a
// shortlist panel — pick or make a list, see each person's status and note, change them,
// take them off, export the list — and, on each search result, "Add to shortlist" and
// "Draft first line". Loaded after app.js, whose h(), $(), api() and ApiError it uses.
// builtby never finds or stores an e-mail address and never sends anything: a first line is
// text to copy.
"use strict";

const STATUSES = ["new", "contacted", "replied", "interviewing", "declined", "hired"];
const EXPORTS = [["csv", "CSV"], ["json", "JSON"], ["greenhouse", "Greenhouse"], ["lever", "Lever"]];
const LIST_KEY = "builtby-shortlist";
const enc = encodeURIComponent;

let currentList = localStorage.getItem(LIST_KEY) || "";
/** Keys (lower case) of the people on the current list, to mark result cards. */
let onList = new Set();

async function apiSend(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = sessionStorage.getItem("builtby-token");
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { detail: "Could not reach the builtby server. Is it still running?" });
  }
  let out = null;
  try {
    out = await res.json();
  } catch (e) {
    /* not JSON */
  }
  if (!res.ok) throw new ApiError(res.status, out);
  return out;
}

/** The search on screen, as the query string a list or an entry keeps (no paging). */
function searchNow() {
  if (document.body.classList.contains("person-mode")) return "";
  const p = new URLSearchParams(location.search);
  p.delete("offset");
  p.delete("limit");
  return p.toString();
}

function setList(name) {
  currentList = name;
  if (name) localStorage.setItem(LIST_KEY, name);
  else localStorage.removeItem(LIST_KEY);
  drawPanel();
}

function panelMessage(text, bad) {
  const m = $("#sl-message");
  if (!m) return;
  m.textContent = text;
  m.classList.toggle("bad", !!bad);
}

async function drawPanel() {
  const panel = $("#shortlist-panel");
  if (!panel) return;
  let lists;
  try {
    lists = await api("/api/shortlists");
  } catch (e) {
    panel.replaceChildren(h("h2", {}, "Shortlist"), h("p", { class: "muted" }, "Shortlists could not be loaded: " + e.message));
    return;
  }
  const known = lists.find((l) => l.name.toLowerCase() === currentList.toLowerCase());
  if (!known) currentList = lists.length ? lists[0].name : "";
  else currentList = known.name;
  const nameInput = h("input", { id: "sl-new", type: "text", placeholder: "New list, e.g. ML infra", maxlength: "100", "aria-label": "New shortlist name" });
  const create = h("form", {
    class: "sl-create",
    onsubmit: async (e) => {
      e.preventDefault();
      const name = nameInput.value.trim();
      if (!name) return nameInput.focus();
      try {
        const search = searchNow();
        await apiSend("POST", "/api/shortlists", search ? { name, search } : { name });
        setList(name);
      } catch (err) {
        panelMessage(err.message, true);
      }
    },
  }, nameInput, h("button", { type: "submit", class: "secondary" }, "Create"));
  const head = h("div", { class: "sl-head" },
    h("h2", {}, "Shortlist"),
    lists.length
      ? h("select", { id: "sl-select", "aria-label": "Shortlist shown", onchange: (e) => setList(e.target.value) },
        lists.map((l) => h("option", { value: l.name, selected: l.name === currentList }, `${l.name} (${l.people})`)))
      : null,
    create);
  const message = h("p", { id: "sl-message", class: "muted", role: "status" });
  if (!currentList) {
    onList = new Set();
    markResults();
    panel.replaceChildren(head, message, h("p", { class: "muted sl-empty" }, "Make a list, then add people from the results. builtby never finds or stores an e-mail address and never sends anything."));
    return;
  }
  let view;
  try {
    view = await api(`/api/shortlists/${enc(currentList)}`);
  } catch (e) {
    panel.replaceChildren(head, h("p", { class: "muted" }, e.message));
    return;
  }
  onList = new Set(view.people.map((p) => p.person.toLowerCase()));
  markResults();
  const exports = h("p", { class: "sl-exports" }, "Export: ",
    EXPORTS.map(([f, label], i) => [i ? " · " : "",
      h("a", { href: `/api/shortlists/${enc(view.name)}/export?format=${f}`, download: "", class: "sl-export", "data-format": f, onclick: downloadWithToken }, label)]));
  const rows = view.people.map((p) => personRow(view.name, p));
  panel.replaceChildren(head, message,
    rows.length
      ? h("div", { class: "table-wrap" }, h("table", { class: "sl-people" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Person"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Note"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Remove")))),
        h("tbody", {}, rows)))
      : h("p", { class: "muted sl-empty" }, "Nobody on this list yet: use “Add to shortlist” on a result."),
    exports);
}

function personRow(list, p) {
  const base = `/api/shortlists/${enc(list)}/people/${enc(p.person)}`;
  const status = h("select", {
    class: "sl-status", "aria-label": `Status of ${p.display}`,
    onchange: async (e) => {
      try {
        await apiSend("POST", `${base}/status`, { status: e.target.value });
        panelMessage(`${p.display}: ${e.target.value}`);
      } catch (err) {
        panelMessage(err.message, true);
      }
    },
  }, STATUSES.map((s) => h("option", { value: s, selected: s === p.status }, s)));
  const note = h("input", { type: "text", class: "sl-note", value: p.note, maxlength: "2000", "aria-label": `Note on ${p.display}`, placeholder: "Note" });
  const saveNote = h("form", {
    class: "sl-note-form",
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        await apiSend("POST", `${base}/note`, { note: note.value });
        panelMessage(`${p.display}: note saved`);
      } catch (err) {
        panelMessage(err.message, true);
      }
    },
  }, note, h("button", { type: "submit", class: "secondary small" }, "Save"));
  const remove = h("button", {
    type: "button", class: "chip-x", "aria-label": `Take ${p.display} off the list`, title: "Take off the list",
    onclick: async () => {
      try {
        await apiSend("DELETE", base);
        drawPanel();
      } catch (err) {
        panelMessage(err.message, true);
      }
    },
  }, "×");
  return h("tr", { "data-person": p.person },
    h("td", {}, h("a", { href: personHref(p.person), "data-nav": true }, p.name || p.display),
      p.in_ats ? h("span", { class: "in-ats" }, "in ATS") : null,
      !p.in_store ? h("span", { class: "muted" }, " (no longer loaded)") : null),
    h("td", {}, status),
    h("td", {}, saveNote),
    h("td", {}, remove));
}

/** Marks the result cards of people on the current list. */
function markResults() {
  for (const b of document.querySelectorAll(".result .sl-add")) {
    const on = onList.has((b.dataset.login || "").toLowerCase());
    b.disabled = on;
    b.textContent = on ? `On “${currentList}” ✓` : "Add to shortlist";
  }
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    const t = h("textarea", { class: "visually-hidden", readonly: true });
    t.value = text;
    document.body.append(t);
    t.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e2) {
      ok = false;
    }
    t.remove();
    return ok;
  }
}

async function draftFirstLine(r, box, button) {
  button.disabled = true;
  box.replaceChildren(h("p", { class: "muted" }, "Drafting…"));
  const p = new URLSearchParams(location.search);
  p.delete("offset");
  p.delete("limit");
  try {
    const d = await api(`/api/outreach/${enc(r.login)}?${p.toString()}`);
    const fl = d.first_line;
    const copy = h("button", {
      type: "button", class: "secondary small fl-copy",
      onclick: async () => {
        const ok = await copyText(`${fl.line} ${fl.link}`);
        copy.textContent = ok ? "Copied" : "Select and copy";
      },
    }, "Copy");
    box.replaceChildren(
      h("p", { class: "fl-line" }, fl.line),
      h("p", { class: "fl-meta" },
        h("a", { class: "fl-link", href: fl.link, rel: "noopener noreferrer", target: "_blank" }, fl.link), " ", copy),
      h("p", { class: "muted fl-why" }, `Cited: ${fl.why}. Never sent: copy it into your own message.`));
  } catch (e) {
    box.replaceChildren(h("p", { class: "fl-error" }, e.message));
  } finally {
    button.disabled = false;
  }
}

/** The actions app.js puts on each result card. */
function resultActions(r) {
  const box = h("div", { class: "first-line", "aria-live": "polite" });
  const add = h("button", {
    type: "button", class: "secondary small sl-add", "data-login": r.login,
    onclick: async () => {
      if (!currentList) {
        panelMessage("Make a list first: name it and press Create.", true);
        const input = $("#sl-new");
        if (input) input.focus();
        return;
      }
      add.disabled = true;
      try {
        const search = searchNow();
        await apiSend("POST", `/api/shortlists/${enc(currentList)}/people`, search ? { people: [r.login], search } : { people: [r.login] });
        await drawPanel();
      } catch (err) {
        add.disabled = false;
        panelMessage(err.message, true);
      }
    },
  }, "Add to shortlist");
  const draft = h("button", { type: "button", class: "secondary small fl-draft" }, "Draft first line");
  draft.addEventListener("click", () => draftFirstLine(r, box, draft));
  const on = onList.has(r.login.toLowerCase());
  if (on) {
    add.disabled = true;
    add.textContent = `On “${currentList}” ✓`;
  }
  return h("div", { class: "result-actions" }, h("div", { class: "result-buttons" }, add, draft), box);
}

// Results drawn before this script ran get their actions now.
for (const card of document.querySelectorAll(".result[data-login]")) {
  if (!card.querySelector(".result-actions")) card.querySelector(".more")?.before(resultActions({ login: card.dataset.login }));
}
drawPanel();

/** A server with named tokens answers a plain link 401: the export is fetched with the tab's
 * token and saved from memory; without a token the link is followed as it is. */
async function downloadWithToken(e) {
  const token = sessionStorage.getItem("builtby-token");
  if (!token) return;
  e.preventDefault();
  const a = e.currentTarget;
  const res = await fetch(a.href, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) {
    panelMessage(`Export failed (${res.status}).`, true);
    return;
  }
  const name = (res.headers.get("Content-Disposition") || "").match(/filename="?([^";]+)"?/);
  const url = URL.createObjectURL(await res.blob());
  const save = h("a", { href: url, download: name ? name[1] : "shortlist" });
  document.body.append(save);
  save.click();
  save.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
