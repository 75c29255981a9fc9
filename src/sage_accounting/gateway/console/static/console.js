// The console's only script (the CSP allows no inline script): the Copy button of a new agent key.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var state = document.getElementById("copy-state");
      if (!field) { return; }
      var done = function (text) { if (state) { state.textContent = text; } };
      var fallback = function () {
        field.focus();
        field.select();
        try { done(document.execCommand("copy") ? "Copied" : "Selected: press Ctrl+C to copy"); }
        catch (e) { done("Selected: press Ctrl+C to copy"); }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { done("Copied"); }, fallback);
      } else {
        fallback();
      }
    });
  });
});
