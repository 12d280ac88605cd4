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
