/* The portal's application form: county → township → village pickers, filled from the public division list
   (the form's data-divisions-url). A static file: the site's Content-Security-Policy runs no inline script. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-divisions-url]");
  if (!form) return;
  var url = form.getAttribute("data-divisions-url");
  var county = document.getElementById("county");
  var township = document.getElementById("township");
  var village = document.getElementById("id_village");

  function reset(select, placeholder) {
    select.replaceChildren();
    var option = document.createElement("option");
    option.value = "";
    option.textContent = placeholder;
    select.appendChild(option);
  }

  async function fill(select, parent, placeholder) {
    reset(select, placeholder);
    select.disabled = !parent;
    if (!parent) return;
    var response = await fetch(url + "?parent=" + encodeURIComponent(parent), { credentials: "same-origin" });
    var body = await response.json();
    for (var child of body.children) {
      var option = document.createElement("option");
      option.value = child.code;
      option.textContent = child.name;
      select.appendChild(option);
    }
  }

  county.addEventListener("change", async function () {
    await fill(township, county.value, "请选择乡镇");
    await fill(village, "", "请先选乡镇");
  });
  township.addEventListener("change", function () {
    fill(village, township.value, "请选择行政村");
  });
})();
