/* Small behaviours every page shares. The site's Content-Security-Policy allows scripts from its own origin
   only (no inline script, no on*= attributes, no javascript: links), so they live here, keyed on data-*
   attributes in the templates. */
(function () {
  "use strict";

  // <button data-disable-once hx-get=...>: an expand button loads its children once, then stays disabled.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element.hasAttribute && element.hasAttribute("data-disable-once")) {
      element.disabled = true;
    }
  });

  // <a data-back href="/">: back to the previous page when there is one, else follow the link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1 && document.referrer) {
      event.preventDefault();
      window.history.back();
    }
  });
})();

// A table too wide for the screen scrolls sideways inside its .table-wrap; keyboard users must be able to reach
// that scroll (WCAG 2.1.1), so a wrapper that scrolls becomes a focusable region named after its section (names
// kept unique, as landmarks must be). Re-checked on resize: a phone's cards do not scroll, a desktop table may.
(function () {
  "use strict";

  function regionName(wrap, used) {
    var section = wrap.closest("section");
    var heading = section && section.querySelector("h2");
    var name = (heading ? heading.textContent : document.title.split(" · ")[0]).trim();
    used[name] = (used[name] || 0) + 1;
    return name + (used[name] > 1 ? "（" + used[name] + "）" : "") + "（表格，可左右滚动）";
  }

  function markScrollable() {
    var used = {};
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      var overflow = window.getComputedStyle(wrap).overflowX;
      var scrolls = (overflow === "auto" || overflow === "scroll") && wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("data-scroll-region")) {
        wrap.setAttribute("data-scroll-region", "");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
      } else if (!scrolls && wrap.hasAttribute("data-scroll-region")) {
        ["data-scroll-region", "tabindex", "role", "aria-label"].forEach(function (name) { wrap.removeAttribute(name); });
      }
      if (scrolls) wrap.setAttribute("aria-label", regionName(wrap, used));
    });
  }

  document.addEventListener("DOMContentLoaded", markScrollable);
  document.addEventListener("htmx:afterSettle", markScrollable);
  window.addEventListener("resize", markScrollable);
})();

// File pickers read Chinese in every browser: Chromium words its own button and "no file chosen" in the
// browser's language, not the page's. The input is kept (transparent, on top) so that it stays the control.
(function () {
  "use strict";

  function chosenNames(input) {
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    return names.length ? "已选择：" + names.join("，") : "未选择文件";
  }

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input[type=file]:not([data-picker])"), function (input) {
      input.setAttribute("data-picker", "");
      var box = document.createElement("span");
      box.className = "file-picker";
      input.parentNode.insertBefore(box, input);
      box.appendChild(input);
      var face = document.createElement("span");
      face.className = "button secondary";
      face.setAttribute("aria-hidden", "true");
      face.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
      var names = document.createElement("span");
      names.className = "file-names";
      names.setAttribute("aria-live", "polite");
      names.textContent = chosenNames(input);
      box.appendChild(face);
      box.appendChild(names);
      input.addEventListener("change", function () { names.textContent = chosenNames(input); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target || document); });
})();
