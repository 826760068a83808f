// Progressive enhancement only: every control is a real form field, so the pages work without this.
(function () {
  // Body map: tapping a region in the drawing toggles its checkbox; the drawing shows what is ticked.
  document.querySelectorAll("[data-bodymap]").forEach(function (map) {
    var name = map.getAttribute("data-bodymap");
    function box(region) { return map.querySelector('input[name="' + name + '"][value="' + region + '"]'); }
    function paint() {
      map.querySelectorAll(".region").forEach(function (shape) {
        var input = box(shape.getAttribute("data-region"));
        shape.classList.toggle("selected", !!(input && input.checked));
      });
    }
    map.querySelectorAll(".region").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var input = box(shape.getAttribute("data-region"));
        if (!input) { return; }
        input.checked = !input.checked;
        var nowhere = box("none_of_these");  // a marked place and "No pain anywhere" exclude each other
        if (input.checked && nowhere) { nowhere.checked = false; }
        paint();
      });
    });
    map.addEventListener("change", paint);
    paint();
  });
  // Checklists: "None of these" and the other answers exclude each other (the server checks it too).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-checklist]") || !input.checked) { return; }
    var none = input.value === "none_of_these";
    document.querySelectorAll('input[data-checklist][name="' + input.name + '"]').forEach(function (other) {
      if (other !== input && (none || other.value === "none_of_these")) { other.checked = false; }
    });
    var map = input.closest("[data-bodymap]");
    if (map) { map.dispatchEvent(new Event("change")); }  // repaint the drawing after unticking
  });
  // Print: the button only appears when it can work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
