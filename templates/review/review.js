// qa2docs review: keyboard, saves (compare-and-swap digest + CSRF header), plot viewer.
// Plain JavaScript, no build step, no remote resources.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const doc = document.getElementById("doc");
  if (!doc) { return; }
  const viewer = document.getElementById("viewer");
  let shown = [], at = 0;

  function items() { return Array.from(doc.querySelectorAll("article.item")).filter(visible); }
  function visible(el) { return el.offsetParent !== null; }
  function current() { return document.activeElement && document.activeElement.closest("article.item"); }
  function focusItem(item) { if (item) { item.focus(); item.scrollIntoView({block: "nearest"}); } }
  function step(delta, onlyOpen) {
    const list = items(), here = list.indexOf(current());
    for (let i = here + delta; i >= 0 && i < list.length; i += delta) {
      if (!onlyOpen || list[i].classList.contains("state-open")) { focusItem(list[i]); return true; }
    }
    return false;
  }

  // The parts of an item's form that differ from what the page was made from.
  function changedParts(item) {
    const form = item.querySelector("form"), parts = {};
    const group = form.querySelector("fieldset.yesno");
    if (group) {
      const picked = form.querySelector('input[name="answer"]:checked');
      const value = picked ? picked.value : "";
      if (value !== group.dataset.original) { parts.answer = value; }
    }
    form.querySelectorAll("input[type=checkbox], input[type=text], textarea").forEach(function (el) {
      const value = el.type === "checkbox" ? (el.checked ? "x" : "") : el.value;
      if (value !== el.dataset.original) { parts[el.name] = value; }
    });
    return parts;
  }
  function markDirty(item) { item.classList.toggle("dirty", Object.keys(changedParts(item)).length > 0); }

  function say(item, text, error) {
    const msg = item.querySelector(".msg");
    if (msg) { msg.textContent = text; msg.classList.toggle("error", !!error); }
  }

  async function save(item, advance) {
    const parts = changedParts(item);
    if (!Object.keys(parts).length) { say(item, "nothing changed"); if (advance) { step(1, false); } return; }
    const element = item.dataset.element;
    say(item, "saving…");
    let response, data;
    try {
      response = await fetch("/doc/" + doc.dataset.key + "/item/" + encodeURIComponent(element), {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
        body: JSON.stringify({digest: doc.dataset.digest, parts: parts})});
      data = await response.json();
    } catch (err) {
      say(item, "not saved: " + (response ? response.status + " " + response.statusText : err), true);
      return;
    }
    doc.dataset.digest = data.digest;
    const progress = document.getElementById("progress");
    if (progress) { progress.innerHTML = data.progress; }
    let fresh = null;
    for (const el of doc.querySelectorAll("article.item")) {
      const html = data.items[el.dataset.element];
      if (html === undefined || (el !== item && el.classList.contains("dirty"))) { continue; }
      const tmp = document.createElement("div");
      tmp.innerHTML = html;
      const replacement = tmp.firstElementChild;
      el.replaceWith(replacement);
      if (el === item) { fresh = replacement; }
    }
    fresh = fresh || doc.querySelector('article.item[data-element="' + CSS.escape(element) + '"]');
    say(fresh, data.message, data.error);
    focusItem(fresh);
    if (response.ok && advance && !step(1, true)) { step(1, false); }   // on to the next item to check
  }

  function tick(item, key) {
    const form = item.querySelector("form");
    if (key === "y" || key === "n") {
      const radio = form.querySelector('input[name="answer"][value="' + (key === "y" ? "yes" : "no") + '"]');
      if (radio) { radio.checked = true; }
    } else {
      const box = form.querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; }
    }
    markDirty(item);
  }

  function openViewer(link) {
    const box = link.closest(".plots");
    shown = Array.from(box.querySelectorAll("a.thumb:not(.file)"));
    at = Math.max(0, shown.indexOf(link));
    viewer.hidden = false;
    showPlot();
  }
  // Big plots fit the window; small ones are enlarged at most twice (beyond, they only blur).
  function fit(img) {
    img.style.width = Math.min(img.naturalWidth * 2, img.parentNode.clientWidth) + "px";
    img.style.height = "auto";
  }
  function showPlot() {
    const link = shown[at], img = viewer.querySelector("img");
    img.onload = function () { fit(img); };
    img.src = link.getAttribute("href");
    img.alt = link.dataset.folder + "/" + link.dataset.name;
    const label = link.closest("article.item").querySelector(".label").textContent;
    viewer.querySelector(".viewer-name").textContent = label + "  —  " + link.dataset.folder + "/" + link.dataset.name;
    viewer.querySelector(".viewer-pos").textContent = (at + 1) + " of " + shown.length + "  ·  ← → to move, Esc to close";
  }
  function closeViewer() { viewer.hidden = true; focusItem(shown.length ? shown[at].closest("article.item") : null); }
  function move(delta) { at = (at + delta + shown.length) % shown.length; showPlot(); }

  doc.addEventListener("submit", function (ev) {
    ev.preventDefault();
    save(ev.target.closest("article.item"), false);
  });
  doc.addEventListener("input", function (ev) { const item = ev.target.closest("article.item"); if (item) { markDirty(item); } });
  doc.addEventListener("change", function (ev) { const item = ev.target.closest("article.item"); if (item) { markDirty(item); } });
  doc.addEventListener("click", function (ev) {
    const link = ev.target.closest("a.thumb:not(.file)");
    if (link) { ev.preventDefault(); openViewer(link); }
  });
  viewer.querySelector(".viewer-prev").addEventListener("click", function () { move(-1); });
  viewer.querySelector(".viewer-next").addEventListener("click", function () { move(1); });
  viewer.querySelector(".viewer-close").addEventListener("click", closeViewer);

  document.addEventListener("keydown", function (ev) {
    if (!viewer.hidden) {
      if (ev.key === "ArrowRight") { move(1); } else if (ev.key === "ArrowLeft") { move(-1); }
      else if (ev.key === "Escape") { closeViewer(); } else { return; }
      ev.preventDefault();
      return;
    }
    const target = ev.target, item = current();
    const typing = target.matches && target.matches("textarea, input[type=text]");
    if (typing) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(item, true); }
      else if (ev.key === "Escape") { ev.preventDefault(); focusItem(item); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    const key = ev.key;
    if (key === "j") { step(1, false); }
    else if (key === "k") { step(-1, false); }
    else if (key === "u") { step(1, true); }
    else if (!item) { if (key === "Enter" || key === "y" || key === "n" || key === "x" || key === "c") { step(1, false); } else { return; } }
    else if (key === "y" || key === "n" || key === "x" || key === " ") {
      if (key === " " && target.matches("input, button")) { return; }
      tick(item, key);
    }
    else if (key === "c") {
      const area = item.querySelector("textarea[name=comment], textarea, input[type=text]");
      if (area) { area.focus(); }
    }
    else if (key === "Enter" && !target.matches("button, a")) { save(item, true); }
    else if (key === "p") { const first = item.querySelector("a.thumb:not(.file)"); if (first) { openViewer(first); } }
    else { return; }
    ev.preventDefault();
  });
})();
