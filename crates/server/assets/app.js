// builtby's page: a search (filters kept in the URL) and a person view, both drawn from the
// JSON API. DOM is built with h(), which only ever sets text, never HTML.
"use strict";

const KINDS = [
  ["pr_merged", "Merged PRs", "merged PR", "merged PRs"],
  ["pr_revised", "PRs revised after review", "PR revised after review", "PRs revised after review"],
  ["review", "Reviews", "review", "reviews"],
  ["review_comment", "Review comments", "review comment", "review comments"],
  ["pr_opened", "Opened PRs", "opened PR", "opened PRs"],
  ["pr_closed_unmerged", "Closed PRs (not merged)", "closed PR", "closed PRs"],
  ["issue_opened", "Opened issues", "issue", "issues"],
  ["issue_comment", "Comments", "comment", "comments"],
  ["release", "Releases", "release", "releases"],
  ["member_added", "Write access granted", "write access", "write access"],
  ["push", "Pushes", "push", "pushes"],
  ["commit", "Commits", "commit", "commits"],
  ["co_authored", "Co-authored commits", "co-authored commit", "co-authored commits"],
  ["commit_review", "Reviewed commits", "reviewed commit", "reviewed commits"],
  ["pr_commit", "Commits in merged PRs", "commit in merged PR", "commits in merged PRs"],
  ["model", "Models on Hugging Face", "model", "models"],
  ["paper", "Papers on arXiv", "paper", "papers"],
  ["kaggle_tier", "Kaggle tiers", "Kaggle tier", "Kaggle tiers"],
  ["kaggle_medal", "Kaggle medals", "Kaggle medal", "Kaggle medals"],
  ["notebook", "Kaggle notebooks", "notebook", "notebooks"],
];
const KIND = Object.fromEntries(KINDS.map(([k, title, one, many]) => [k, { title, one, many }]));
KIND.active_month = { title: "Active months", one: "active month", many: "active months" }; // what the depth rule counts
const RULES = {
  merged_work: "Merged work",
  reviews: "Reviews",
  feedback: "Answers review",
  conversation: "PRs & discussion",
  maintenance: "Maintenance",
  recency: "Recent activity",
  commits: "Commits",
  depth: "Depth in an area",
  models: "Models",
  papers: "Papers",
  kaggle: "Kaggle",
};
// Kinds grouped for the activity chart's stacked bars.
const GROUPS = [
  ["Merged PRs", "g-merged", ["pr_merged", "pr_revised"]],
  ["Reviews", "g-review", ["review", "review_comment", "commit_review"]],
  ["PRs, issues & comments", "g-talk", ["pr_opened", "pr_closed_unmerged", "issue_opened", "issue_comment"]],
  ["Commits, pushes & releases", "g-other", ["pr_commit", "commit", "co_authored", "push", "release", "member_added"]],
  ["Models, papers & Kaggle", "g-ml", ["model", "paper", "kaggle_tier", "kaggle_medal", "notebook"]],
];
const PAGE = 20;
const PERSON_PAGE = 25;
const SVGNS = "http://www.w3.org/2000/svg";

const $ = (sel) => document.querySelector(sel);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const fmtInt = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
const fmtSmall = new Intl.NumberFormat("en", { maximumSignificantDigits: 2 });
// Counts and large scores as they are; small scores (old work decays) with two significant digits.
const num = (n) => (Math.abs(n) >= 100 || Number.isInteger(n) ? fmtInt.format(n) : fmtSmall.format(n));
const date = (iso) => (iso ? iso.slice(0, 10) : "");
const plural = (n, kind) => `${num(n)} ${n === 1 ? KIND[kind]?.one || kind : KIND[kind]?.many || kind}`;
const personHref = (login) => `/people/${encodeURIComponent(login)}`;

// ---- API -------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `The server answered ${status}.`);
    this.status = status;
    this.param = body && body.param;
  }
}

async function api(path, method, payload) {
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem("builtby-token");
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { headers, method: method || "GET" };
  if (payload !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(payload);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { detail: "Could not reach the builtby server. Is it still running?" });
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    /* not JSON */
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

// ---- state in the URL ------------------------------------------------------------------

const FORM_FIELDS = ["text", "since", "until", "area", "half_life", "location", "metro", "country", "kaggle_tier", "min_downloads", "papers", "role"];
const ROLES = { ml_engineer: "ML engineer", ml_infra: "ML infrastructure", researcher: "Researcher", data_scientist: "Data scientist" };

function readParams() {
  return new URLSearchParams(location.search);
}

function formToParams() {
  const p = new URLSearchParams();
  const text = $("#f-text").value.trim();
  if (text) p.set("text", text);
  for (const cb of document.querySelectorAll("#eco-list input:checked")) p.append("ecosystem", cb.value);
  for (const r of repos) p.append("repo", r);
  for (const cb of document.querySelectorAll("#kind-list input:checked")) p.append("kind", cb.value);
  for (const cb of document.querySelectorAll("#f-sources input:checked")) p.append("source", cb.value);
  for (const f of ["since", "until", "area", "half_life", "location", "metro", "country", "kaggle_tier", "min_downloads", "papers", "role"]) {
    const v = $(`#f-${f}`).value.trim();
    if (v) p.set(f, v);
  }
  if ($("#f-bots").checked) p.set("include_bots", "true");
  if ($("#f-not_in_ats").checked) p.set("not_in_ats", "true");
  return p;
}

function paramsToForm(p) {
  for (const f of FORM_FIELDS) $(`#f-${f}`).value = p.get(f) || "";
  // areas may come repeated (area=a&area=b): the field holds them comma-separated
  $("#f-area").value = p.getAll("area").join(", ");
  // a shared link may name several roles (role=a,b); the select shows the first
  const role = (p.get("role") || "").split(",")[0].trim().toLowerCase();
  $("#f-role").value = ROLES[role] ? role : "";
  const ecos = new Set(p.getAll("ecosystem").flatMap((v) => v.split(",")));
  for (const cb of document.querySelectorAll("#eco-list input")) cb.checked = ecos.has(cb.value);
  pendingEcos = ecos;
  const kinds = new Set(p.getAll("kind").flatMap((v) => v.split(",")));
  for (const cb of document.querySelectorAll("#kind-list input")) cb.checked = kinds.has(cb.value);
  const sources = new Set(p.getAll("source").flatMap((v) => v.split(",")));
  for (const cb of document.querySelectorAll("#f-sources input")) cb.checked = sources.has(cb.value);
  repos = p.getAll("repo").flatMap((v) => v.split(",")).filter(Boolean);
  drawChips();
  $("#f-bots").checked = ["true", "1", "yes"].includes(p.get("include_bots") || "");
  $("#f-not_in_ats").checked = ["true", "1", "yes"].includes(p.get("not_in_ats") || "");
  const active = [...p.keys()].filter((k) => k !== "offset" && k !== "limit").length;
  $("#filters-toggle").textContent = active ? `Filters (${active} set)` : "Filters";
}

// ---- the sentence box: /api/ask reads it, the filters are filled, then searched -----------

/** Parameters that take several values (comma-separated). */
const LISTS = new Set(["repo", "ecosystem", "kind", "source", "area", "role"]);

function splitValues(v) {
  return v.split(",").map((x) => x.trim()).filter(Boolean);
}

/** The form's filters with `param` changed: `drop` values removed, `add` values added. */
function changedParams(param, drop, add) {
  const p = formToParams();
  if (LISTS.has(param)) {
    const gone = new Set(splitValues(drop || ""));
    const values = p.getAll(param).flatMap(splitValues).filter((v) => !gone.has(v));
    for (const v of splitValues(add || "")) if (!values.includes(v)) values.push(v);
    p.delete(param);
    for (const v of values) p.append(param, v);
  } else {
    p.delete(param);
    if (add) p.set(param, add);
  }
  return p;
}

function applyParams(p) {
  paramsToForm(p);
  go("/?" + p.toString());
}

function askChip(c) {
  const label = c.param.replace(/_/g, " ");
  const typo = c.how && c.how.typo ? h("span", { class: "ask-typo" }, ` (read “${c.how.typo.typed}” as “${c.how.typo.read}”)`) : null;
  const alts = (c.alternatives || []).map(([p, v]) =>
    h("button", { type: "button", class: "chip-alt", title: `Read “${c.words}” as ${p} = ${v} instead`,
      onclick: () => {
        const next = addTo(changedParams(c.param, c.value, null), p, v);
        markChip(c, p, v);
        drawAsk(lastAsk);
        applyParams(next);
      } },
      `or ${p.replace(/_/g, " ")}: ${v}`));
  return h("li", { class: "chip ask-chip" + (c.used ? "" : " unused"), "data-param": c.param, "data-value": c.value, title: c.unused || `from ${c.from}` },
    h("span", { class: "ask-filter" }, h("b", {}, label), " ", c.value),
    h("q", { class: "ask-words" }, c.words), typo, ...alts,
    c.used ? h("button", { type: "button", class: "chip-x", "aria-label": `Remove ${label} ${c.value}`, onclick: (e) => { e.currentTarget.closest("li").remove(); applyParams(changedParams(c.param, c.value, null)); } }, "×") : null);
}

function addTo(p, param, value) {
  if (LISTS.has(param)) p.append(param, value);
  else p.set(param, value);
  return p;
}

function markChip(c, p, v) {
  c.param = p;
  c.value = v;
  c.alternatives = [];
}

let lastAsk = null;

function drawAsk(ask) {
  lastAsk = ask;
  const unknown = (ask.unknown || []).map((u) =>
    h("li", { class: "chip ask-unknown", title: u.why || "not a word builtby knows" }, "not understood: ", h("q", {}, u.words)));
  $("#ask-chips").replaceChildren(...ask.chips.map(askChip), ...unknown);
  $("#ask-same").textContent = "Same as: " + ask.command;
}

async function askSentence(e) {
  e.preventDefault();
  const q = $("#ask-q").value.trim();
  $("#ask-error").replaceChildren();
  $("#ask-q").removeAttribute("aria-invalid");
  if (!q) return;
  let res;
  try {
    res = await api("/api/ask?run=false&q=" + encodeURIComponent(q));
  } catch (err) {
    if (err.status === 401) return setView(tokenForm(() => askSentence(e)));
    $("#ask-q").setAttribute("aria-invalid", "true");
    $("#ask-chips").replaceChildren();
    $("#ask-same").textContent = "";
    $("#ask-error").replaceChildren(h("p", { class: "error-line" }, err.message));
    return;
  }
  drawAsk(res.ask);
  // the filters are the form's from here on: the search runs from them, as if typed
  const p = new URLSearchParams();
  for (const [name, value] of res.ask.params) {
    if (LISTS.has(name)) for (const v of splitValues(value)) p.append(name, v);
    else p.set(name, value);
  }
  applyParams(p);
}

// ---- filters ---------------------------------------------------------------------------

let repos = [];
let pendingEcos = new Set();

function drawChips() {
  const ul = $("#repo-chips");
  ul.replaceChildren(
    ...repos.map((r) =>
      h("li", { class: "chip" }, r,
        h("button", { type: "button", class: "chip-x", "aria-label": `Remove ${r}`, onclick: () => { repos = repos.filter((x) => x !== r); drawChips(); } }, "×"))
    )
  );
}

function addRepo() {
  const input = $("#f-repo");
  const v = input.value.trim().replace(/^https:\/\/github\.com\//, "").replace(/\/$/, "");
  if (v && !repos.includes(v)) repos.push(v);
  input.value = "";
  drawChips();
}

function setupForm() {
  $("#ask").addEventListener("submit", askSentence);
  $("#kind-list").replaceChildren(
    ...KINDS.map(([k, title]) => h("label", { class: "check" }, h("input", { type: "checkbox", value: k, name: "kind" }), " ", title))
  );
  $("#f-repo").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addRepo();
    }
  });
  $("#repo-add").addEventListener("click", addRepo);
  $("#search").addEventListener("submit", (e) => {
    e.preventDefault();
    if ($("#f-repo").value.trim()) addRepo();
    $("#search").classList.remove("open");
    $("#filters-toggle").setAttribute("aria-expanded", "false");
    go("/?" + formToParams().toString());
  });
  $("#filters-toggle").addEventListener("click", () => {
    const open = $("#search").classList.toggle("open");
    $("#filters-toggle").setAttribute("aria-expanded", String(open));
  });
  $("#reset").addEventListener("click", () => {
    paramsToForm(new URLSearchParams());
    go("/");
  });
}

async function loadCatalog() {
  try {
    const cat = await api("/api/catalog");
    const list = $("#eco-list");
    list.replaceChildren(
      ...cat.ecosystems.map((e) =>
        h("label", { class: "check", title: e.description || e.name },
          h("input", { type: "checkbox", name: "ecosystem", value: e.id, checked: pendingEcos.has(e.id) }), " ", e.name)
      )
    );
    const opts = $("#repo-options");
    const names = [...new Set(cat.ecosystems.flatMap((e) => e.repos.map((r) => r.name)))].sort();
    opts.replaceChildren(...names.map((n) => h("option", { value: n })));
  } catch (e) {
    $("#eco-list").replaceChildren(h("span", { class: "muted" }, "Ecosystems could not be loaded: " + e.message));
  }
}

async function loadStats() {
  try {
    const st = (await api("/api/stats")).stats;
    const years = st.first_at ? `${new Date(st.first_at * 1000).getUTCFullYear()}–${new Date(st.last_at * 1000).getUTCFullYear()}` : "";
    $("#stats").textContent = `${num(st.contributions)} contributions · ${num(st.people)} people · ${num(st.repos)} repositories${years ? " · " + years : ""}`;
  } catch (e) {
    /* the header line is a nicety */
  }
}

// ---- routing ---------------------------------------------------------------------------

function go(url) {
  history.pushState(null, "", url);
  route();
}

document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-nav]");
  if (!a || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  go(a.getAttribute("href"));
});
window.addEventListener("popstate", route);

let generation = 0;
let lastSearch = "";

function route() {
  const gen = ++generation;
  const path = location.pathname;
  const m = path.match(/^\/people\/([^/]+)\/?$/);
  document.body.classList.toggle("person-mode", !!m);
  if (m) return showPerson(decodeURIComponent(m[1]), gen);
  paramsToForm(readParams());
  return showSearch(gen);
}

function setView(...nodes) {
  $("#view").replaceChildren(...nodes);
}

function loading(text) {
  setView(h("div", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), text));
}

function showError(err, retry) {
  if (err.status === 401) return setView(tokenForm(retry));
  const title = err.status === 400 ? "That search has a problem" : err.status === 404 ? "Not found" : "Something went wrong";
  setView(h("div", { class: "error", role: "alert" }, h("h2", {}, title), h("p", {}, err.message),
    err.param && err.param !== "query" ? h("p", { class: "muted" }, `Check the “${err.param.replace("_", " ")}” filter.`) : null));
  if (err.param) {
    const input = document.querySelector(`#f-${err.param}`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      $("#search").classList.add("open");
    }
  }
}

function tokenForm(retry) {
  const input = h("input", { id: "token", type: "password", autocomplete: "off" });
  return h("form", { class: "error token", onsubmit: (e) => { e.preventDefault(); sessionStorage.setItem("builtby-token", input.value.trim()); loadStats(); loadCatalog(); loadWatches(); retry(); } },
    h("h2", {}, "This server needs a token"),
    h("p", {}, "Ask whoever runs it for the access token. It is kept for this browser tab only."),
    h("label", { for: "token" }, "Token"), input, " ", h("button", { class: "primary", type: "submit" }, "Continue"));
}

// ---- search view -----------------------------------------------------------------------

async function showSearch(gen) {
  document.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const p = readParams();
  lastSearch = location.search;
  document.title = "builtby — search";
  loading("Searching…");
  let res;
  try {
    res = await api("/api/search?" + p.toString());
  } catch (e) {
    if (gen === generation) showError(e, () => showSearch(generation));
    return;
  }
  if (gen !== generation) return;
  setView(renderResults(res, p));
  if (!window.__builtbyFirstResults) requestAnimationFrame(() => { window.__builtbyFirstResults = performance.now(); });
}

function describeQuery(q) {
  const bits = [];
  if (q.text) bits.push(`“${q.text}”`);
  if (q.ecosystems.length) bits.push(q.ecosystems.join(", "));
  if (q.repos.length) bits.push(q.repos.join(", "));
  if (q.kinds.length) bits.push(q.kinds.map((k) => KIND[k]?.many || k).join(", "));
  if (q.location) bits.push(`in ${q.location}`);
  if (q.metro) bits.push(`in the ${titleCase(q.metro)} metro`);
  if (q.country) bits.push(`in ${q.country.toUpperCase()}`);
  return bits.length ? bits.join(" · ") : "all loaded work";
}

function renderResults(res, p) {
  const q = res.query;
  const csv = "/api/search.csv?" + p.toString();
  const from = q.offset + 1;
  const to = q.offset + res.results.length;
  const head = h("div", { class: "summary" },
    h("h1", {}, res.total === 0 ? "No one matched" : `${num(res.total)} ${res.total === 1 ? "person" : "people"}`),
    h("p", { class: "muted" }, "for ", describeQuery(q),
      res.repos_matched.length ? ` — ${res.repos_matched.length} ${res.repos_matched.length === 1 ? "repository" : "repositories"} matched` : ""),
    res.total > 0 ? h("a", { class: "button secondary", href: csv, download: "builtby-search.csv" }, "Download CSV") : null,
    saveSearch(q, p));
  if (res.total === 0 || res.results.length === 0) {
    const tips = [];
    if (q.repos.length || q.ecosystems.length) tips.push(res.repos_matched.length === 0 ? "None of the chosen repositories are in the loaded data." : "Try more repositories or a whole ecosystem.");
    if (q.kinds.length) tips.push("Allow more kinds of work.");
    if (q.since || q.until) tips.push("Widen the dates.");
    if (q.text) tips.push("Use fewer words.");
    if (q.location) tips.push("Location only matches people whose public profile names one.");
    return h("section", { class: "results-wrap" }, head,
      h("div", { class: "empty" }, h("p", {}, res.total > 0 ? "This page is past the last result." : "Nobody did work that matches every filter."),
        tips.length ? h("ul", {}, tips.map((t) => h("li", {}, t))) : null));
  }
  const max = Math.max(...res.results.map((r) => r.score), 1e-9);
  const ruleMax = {};
  for (const r of res.results) for (const d of r.details) ruleMax[d.rule] = Math.max(ruleMax[d.rule] || 0, d.score);
  const list = h("ol", { class: "results", start: from }, res.results.map((r) => resultCard(r, max, res.rules)));
  return h("section", { class: "results-wrap", "aria-label": "Results" }, head, list,
    pager(q.offset, q.limit, res.total, `Showing ${from}–${to} of ${num(res.total)}`, (off) => {
      const np = new URLSearchParams(p);
      if (off) np.set("offset", off); else np.delete("offset");
      go("/?" + np.toString());
    }));
}

/** The normalised place ("Bay Area · San Francisco, US"), else the profile's own words. */
function placeText(r) {
  const p = r.place;
  if (p && (p.city || p.country || p.metro)) {
    const where = [p.city, p.country].filter(Boolean).join(", ");
    return [p.metro ? titleCase(p.metro) : null, where || null].filter(Boolean).join(" · ");
  }
  return r.location || null;
}

function titleCase(s) {
  return s.replace(/\b\w/g, (c) => c.toUpperCase());
}

function who(r) {
  const place = placeText(r);
  // a person with no GitHub account is shown as "Name (git)" (never by a hashed key),
  // "Name (Hugging Face)", "Name (Kaggle)"…
  const git = r.display && r.display !== r.login;
  return h("div", { class: "who" },
    h("a", { class: "name", href: personHref(r.login), "data-nav": true }, git ? (r.display || "(git)") : (r.name || r.login)),
    !git && r.name ? h("span", { class: "login" }, "@" + r.login) : null,
    r.likely ? h("span", { class: "likely", title: r.likely.why }, "likely @" + r.likely.login) : null,
    place ? h("span", { class: "loc", title: r.location || "" }, place) : null,
    r.company ? h("span", { class: "company" }, r.company) : null);
}

/** The roles a person's work shows, best first: the best with its confidence and first reason
 * on a line, every reason of every role in the tooltip. */
function roleLine(roles) {
  if (!roles || !roles.length) return null;
  const [best, ...rest] = roles;
  const pct = (c) => `${Math.round(c * 100)}%`;
  const tip = roles.map((g) => `${ROLES[g.role] || g.role} (${pct(g.confidence)}): ${g.reasons.join("; ")}`).join("\n");
  return h("p", { class: "role", title: tip },
    h("span", { class: "role-name" }, ROLES[best.role] || best.role),
    h("span", { class: "role-conf muted", "aria-label": `confidence ${pct(best.confidence)}` }, ` ${pct(best.confidence)}`),
    best.reasons.length ? h("span", { class: "role-why" }, " — " + best.reasons[0]) : null,
    rest.length ? h("span", { class: "muted" }, " · also " + rest.map((g) => `${ROLES[g.role] || g.role} ${pct(g.confidence)}`).join(", ")) : null);
}

// Rules over work off GitHub are shown only for people who have such work.
const OFF_GITHUB_RULES = ["feedback", "models", "papers", "kaggle"];

// `rules`: the answer's texts of each rule ({rule, label, about}), sent once for everyone.
function ruleBars(details, scale, rules) {
  const text = Object.fromEntries((rules || []).map((t) => [t.rule, t]));
  return h("dl", { class: "bars", "aria-label": "Score by rule" },
    details.filter((d) => d.score > 0 || !OFF_GITHUB_RULES.includes(d.rule)).map((d) => {
      const bar = h("span", { class: "bar-fill rule-" + d.rule });
      bar.style.width = `${Math.max(0, Math.min(100, (d.score / scale) * 100)).toFixed(1)}%`;
      const t = text[d.rule];
      return h("div", { class: "bar-row", title: t ? `${t.label}\n\n${t.about}` : "" },
        h("dt", {}, RULES[d.rule] || d.rule), h("dd", {}, h("span", { class: "bar" }, bar), h("span", { class: "bar-num" }, num(d.score))));
    }));
}

function countsLine(counts) {
  const order = KINDS.map((k) => k[0]);
  return [...counts].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])).map(([k, n]) => plural(n, k)).join(" · ");
}

const TIERS = ["Novice", "Contributor", "Expert", "Master", "Grandmaster"];
const MEDALS = ["", "gold", "silver", "bronze"];

// What a source measured about work off GitHub, in words: downloads and card, tier, medal.
function measuresText(m) {
  if (!m) return "";
  const parts = [];
  const dl = m.downloads_all_time ?? m.downloads;
  if (dl != null) parts.push(`${num(dl)} download${dl === 1 ? "" : "s"}`);
  if (m.likes) parts.push(`${num(m.likes)} like${m.likes === 1 ? "" : "s"}`);
  if (m.card_note) parts.push(m.card_note);
  if (m.tier != null) parts.push(`${TIERS[m.tier] || "tier " + m.tier}${m.category ? " in " + m.category : ""}`);
  if (m.medal) parts.push(`${MEDALS[m.medal] || "a"} medal`);
  if (m.categories && m.categories.length && m.tier == null) parts.push(m.categories.slice(0, 3).join(", "));
  if (m.code_url) parts.push("code: " + m.code_url.replace(/^https?:\/\//, ""));
  return parts.join(" · ");
}

function evidenceItem(e) {
  const what = KIND[e.kind]?.one || e.kind;
  const title = e.title || (e.number ? `${what} on #${e.number}` : `${what} (no title recorded) — open on GitHub`);
  const measured = e.measured || measuresText(e.measures);
  // what the ranking made of it, when not one ordinary contribution (see grade.rs)
  const weighing = [e.focus != null && e.focus < 0.995 ? `${Math.round(e.focus * 100)}% of it in scope` : null, e.why].filter(Boolean).join("; ");
  return h("li", { class: "ev" },
    h("span", { class: "kind k-" + e.kind }, KIND[e.kind]?.one || e.kind),
    h("a", { href: e.url, rel: "noopener noreferrer", target: "_blank", class: "ev-title" }, title),
    h("span", { class: "ev-meta" }, e.repo, " · ", date(e.at), e.needs_hydration ? " · details pending" : "", measured ? " · " + measured : ""),
    e.quote ? h("q", { class: "ev-quote" }, e.quote) : null,
    weighing ? h("span", { class: "ev-weight", title: "What this counts for in the ranking" }, `counts ${(e.weight * (e.focus ?? 1)).toFixed(2)}: ${weighing}`) : null);
}

function whyTable(details) {
  const rows = details.flatMap((d) => d.used.map((u) => [RULES[d.rule] || d.rule, u.repo, plural(u.count, u.kind), u.points]));
  if (!rows.length) return h("p", { class: "muted" }, "No rule found anything to count.");
  const shown = rows.slice(0, 30);
  return h("div", { class: "table-wrap" },
    h("table", { class: "why" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Rule"), h("th", { scope: "col" }, "Repository"), h("th", { scope: "col" }, "Counted"), h("th", { scope: "col", class: "n" }, "Points"))),
      h("tbody", {}, shown.map(([rule, repo, what, pts]) => h("tr", {}, h("td", {}, rule), h("td", {}, repo), h("td", {}, what), h("td", { class: "n" }, num(pts)))))),
    rows.length > shown.length ? h("p", { class: "muted" }, `and ${rows.length - shown.length} smaller rows`) : null);
}

function resultCard(r, max, rules) {
  return h("li", { class: "card result", "data-login": r.login },
    h("div", { class: "card-head" },
      h("span", { class: "rank", "aria-label": `Rank ${r.rank}` }, r.rank),
      who(r),
      h("div", { class: "score", title: "Sum of the rules' scores" }, h("span", { class: "score-num" }, num(r.score)), h("span", { class: "muted" }, "score"),
        r.standing ? h("span", { class: "standing tier-" + r.standing.tier, title: "Where this score stands among everyone who matched the search" + (r.standing.tied ? ` (tied with ${num(r.standing.tied)} ${r.standing.tied === 1 ? "other" : "others"})` : "") }, r.standing.text) : null)),
    roleLine(r.roles),
    h("p", { class: "counts" }, countsLine(r.counts),
      r.in_ats ? h("span", { class: "in-ats", title: "Your applicant-tracking system has this person already (builtby ats import)" }, "in your ATS") : null),
    ruleBars(r.details, max, rules),
    r.evidence.length ? h("ul", { class: "evidence" }, r.evidence.slice(0, 3).map(evidenceItem)) : null,
    (r.also || []).length ? h("p", { class: "also muted" }, "Also likely theirs, not linked: ",
      r.also.map((a, i) => [i ? ", " : "", h("a", { href: personHref(a.login), "data-nav": true, title: a.why }, a.display), ` (score ${num(a.score)})`])) : null,
    h("details", { class: "why-wrap" }, h("summary", {}, "Why this rank"),
      h("p", { class: "muted" }, "Each rule adds points for the counts below, weighted by how demanding the repository's review is and by how recent the work is."),
      whyTable(r.details)),
    // "Add to shortlist" and "Draft first line" (workflow.js)
    typeof resultActions === "function" ? resultActions(r) : null,
    h("a", { class: "more", href: personHref(r.login), "data-nav": true }, `Open ${r.display || r.login}'s record →`));
}

function pager(offset, limit, total, text, onPage) {
  const prev = h("button", { type: "button", class: "secondary", disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit)) }, "← Previous");
  const next = h("button", { type: "button", class: "secondary", disabled: offset + limit >= total, onclick: () => onPage(offset + limit) }, "Next →");
  return h("nav", { class: "pager", "aria-label": "Pages" }, prev, h("span", { class: "muted" }, text), next);
}

// ---- saved searches (see /api/watches) ------------------------------------------------

/** "Save this search": a name, then POST /api/watches with the search's query string. */
function saveSearch(q, p) {
  const query = new URLSearchParams(p);
  query.delete("offset");
  const slug = describeQuery(q).toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48) || "my-search";
  const input = h("input", { id: "watch-name", type: "text", value: slug, maxlength: "64", "aria-label": "Name of the saved search" });
  const note = h("span", { class: "watch-note muted", role: "status" });
  const form = h("form", { class: "save-search", hidden: true, onsubmit: async (e) => {
    e.preventDefault();
    note.textContent = "Saving…";
    try {
      await api("/api/watches", "POST", { name: input.value.trim(), query: query.toString() });
      note.textContent = `Saved as “${input.value.trim()}”.`;
      form.querySelector("button[type=submit]").disabled = true;
      loadWatches();
    } catch (err) {
      note.textContent = err.message;
    }
  } }, input, " ", h("button", { type: "submit", class: "primary" }, "Save"), " ", note);
  const open = h("button", { type: "button", class: "secondary", id: "save-search", onclick: () => { form.hidden = false; open.hidden = true; input.focus(); input.select(); } }, "Save this search");
  return h("div", { class: "save-wrap" }, open, form);
}

/** The saved searches, each a link to its results with a badge: people new since its last run. */
async function loadWatches() {
  const nav = $("#watches");
  let res;
  try {
    res = await api("/api/watches");
  } catch (e) {
    nav.hidden = true;
    return;
  }
  nav.hidden = res.watches.length === 0;
  nav.replaceChildren(h("span", { class: "muted" }, "Saved searches:"),
    ...res.watches.map((w) => h("span", { class: "watch", "data-name": w.name },
      h("a", { href: "/?" + w.query, "data-nav": true, title: w.error || w.qualifies || "" }, w.name),
      w.new ? h("span", { class: "badge", title: `${w.new} new since its last run${w.dropped ? `, ${w.dropped} dropped out` : ""}` }, `${num(w.new)} new`) : null,
      w.new || w.dropped ? h("button", { type: "button", class: "chip-x seen", title: "Run it now: these people are no longer new", onclick: async () => {
        try { await api(`/api/watches/${encodeURIComponent(w.name)}/run`, "POST"); } catch (e) { /* shown on the next load */ }
        loadWatches();
      } }, "mark seen") : null)));
}

// ---- person view -----------------------------------------------------------------------

async function showPerson(login, gen) {
  const p = readParams();
  const offset = parseInt(p.get("offset") || "0", 10) || 0;
  document.title = `builtby — ${login}`;
  loading(`Loading ${login}…`);
  let r;
  try {
    r = await api(`/api/people/${encodeURIComponent(login)}?limit=${PERSON_PAGE}&offset=${offset}`);
  } catch (e) {
    if (gen === generation) showError(e, () => showPerson(login, generation));
    return;
  }
  if (gen !== generation) return;
  document.title = `builtby — ${r.display !== r.login ? r.display : (r.name || r.login)}`;
  setView(renderPerson(r, offset));
  $("#main").focus({ preventScroll: true });
}

function renderPerson(r, offset) {
  const back = h("a", { href: "/" + lastSearch, class: "back", "data-nav": true }, "← Back to search");
  const head = h("section", { class: "person-head card" },
    h("div", {},
      h("h1", {}, r.display && r.display !== r.login ? r.display : (r.name || r.login)),
      h("p", { class: "who" },
        r.profile_url
          ? h("a", { href: r.profile_url, rel: "noopener noreferrer", target: "_blank" }, "@" + r.login + " on GitHub")
          : h("span", { class: "muted" }, "git identity: no GitHub account known"),
        r.location ? h("span", { class: "loc" }, r.location) : null,
        r.company ? h("span", { class: "company" }, r.company) : null,
        r.blog ? h("span", { class: "blog" }, r.blog) : null),
      r.previous_logins.length ? h("p", { class: "muted" }, "Also seen as ", r.previous_logins.map((l) => "@" + l).join(", ")) : null,
      roleLine(r.roles),
      r.is_bot ? h("p", { class: "warn" }, "This account looks like a bot.") : null),
    h("div", { class: "score big" }, h("span", { class: "score-num" }, num(r.score)), h("span", { class: "muted" }, "score over the whole record")));
  const maxRule = Math.max(...r.details.map((d) => d.score), 1e-9);
  return h("article", { class: "person" }, back, head,
    h("section", { class: "card" }, h("h2", {}, "Activity by month"), chart(r.timeline)),
    h("div", { class: "grid2" },
      h("section", { class: "card" }, h("h2", {}, "Score by rule"), ruleBars(r.details, maxRule, r.rules),
        h("details", { class: "why-wrap" }, h("summary", {}, "What was counted"), whyTable(r.details))),
      h("section", { class: "card" }, h("h2", {}, "Totals by repository"), totalsTable(r.totals))),
    h("section", { class: "card", id: "evidence" },
      h("h2", {}, "Evidence ", h("span", { class: "muted" }, `(${num(r.evidence_total)})`)),
      r.evidence.length ? h("ul", { class: "evidence all" }, r.evidence.map(evidenceItem)) : h("p", { class: "muted" }, "No evidence on this page."),
      pager(offset, PERSON_PAGE, r.evidence_total, `${offset + 1}–${offset + r.evidence.length} of ${num(r.evidence_total)}`, (off) => {
        go(personHref(r.login) + (off ? `?offset=${off}` : ""));
      })));
}

function totalsTable(totals) {
  const byRepo = new Map();
  for (const t of totals) {
    if (!byRepo.has(t.repo)) byRepo.set(t.repo, { total: 0, kinds: [] });
    const e = byRepo.get(t.repo);
    e.total += t.count;
    e.kinds.push([t.kind, t.count]);
  }
  const rows = [...byRepo.entries()].sort((a, b) => b[1].total - a[1].total);
  if (!rows.length) return h("p", { class: "muted" }, "Nothing counted.");
  return h("div", { class: "table-wrap" }, h("table", { class: "totals" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Repository"), h("th", { scope: "col" }, "Work"), h("th", { scope: "col", class: "n" }, "Total"))),
    h("tbody", {}, rows.map(([repo, e]) => h("tr", {},
      h("td", {}, h("a", { href: `https://github.com/${repo}`, rel: "noopener noreferrer", target: "_blank" }, repo)),
      h("td", {}, countsLine(e.kinds)),
      h("td", { class: "n" }, num(e.total)))))));
}

function monthsBetween(a, b) {
  const out = [];
  let [y, m] = a.split("-").map(Number);
  const [by, bm] = b.split("-").map(Number);
  while (y < by || (y === by && m <= bm)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
    if (out.length > 1200) break;
  }
  return out;
}

function chart(timeline) {
  if (!timeline.length) return h("p", { class: "muted" }, "No activity recorded.");
  const by = new Map(timeline.map((t) => [t.month, t]));
  const last = timeline[timeline.length - 1].month;
  // At least a year on the axis, so one busy month reads as one month.
  const [ly, lm] = last.split("-").map(Number);
  const yearBefore = `${lm === 12 ? ly : ly - 1}-${String((lm % 12) + 1).padStart(2, "0")}`;
  const months = monthsBetween(timeline[0].month < yearBefore ? timeline[0].month : yearBefore, last);
  // Drawn at the width it is shown at, so the axis text stays readable on a phone.
  const W = Math.round(Math.max(300, Math.min(960, ($("#view").clientWidth || 720) - 40)));
  const H = W < 500 ? 160 : 190, top = 10, bottom = 24, left = 36, right = 8;
  const max = Math.max(...timeline.map((t) => t.total), 1);
  const slot = (W - left - right) / Math.max(months.length, 1);
  const barW = Math.max(1, Math.min(28, slot * 0.75));
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": `Contributions per month, ${months[0]} to ${months[months.length - 1]}, at most ${max} in a month` });
  svg.append(s("title", {}, "Contributions per month"));
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  for (const v of ticks) {
    svg.append(s("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(s("text", { x: left - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, num(Math.round(v))));
  }
  const long = months.length > 24;
  const years = Math.ceil(months.length / 12);
  const yearStep = Math.max(1, Math.ceil(years / Math.max(3, Math.floor(W / 90))));
  const monthStep = Math.max(1, Math.ceil(months.length / Math.max(3, Math.floor(W / 90))));
  months.forEach((mo, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const t = by.get(mo);
    if (t) {
      let acc = 0;
      const g = s("g", { class: "month" });
      g.append(s("title", {}, `${mo}: ${t.total} — ` + Object.entries(t.by_kind).map(([k, n]) => plural(n, k)).join(", ")));
      for (const [, cls, kinds] of GROUPS) {
        const n = kinds.reduce((a, k) => a + (t.by_kind[k] || 0), 0);
        if (!n) continue;
        g.append(s("rect", { x: x.toFixed(2), y: y(acc + n).toFixed(2), width: barW.toFixed(2), height: Math.max(0.5, y(acc) - y(acc + n)).toFixed(2), class: cls }));
        acc += n;
      }
      svg.append(g);
    }
    const label = long ? (mo.endsWith("-01") && Number(mo.slice(0, 4)) % yearStep === 0) || i === 0 : i % monthStep === 0;
    if (label) {
      svg.append(s("text", { x: (left + i * slot + slot / 2).toFixed(2), y: H - 6, class: "axis", "text-anchor": i === 0 && long ? "start" : "middle" }, long ? mo.slice(0, 4) : mo));
    }
  });
  const legend = h("ul", { class: "legend" }, GROUPS.map(([label, cls]) => h("li", {}, h("span", { class: "swatch " + cls }), label)));
  return h("figure", { class: "chart-wrap" }, svg, legend);
}

// ---- start -----------------------------------------------------------------------------

setupForm();
loadStats();
loadCatalog();
loadWatches();
route();
