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
