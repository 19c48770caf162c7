// Fill the sign-up form's timezone select from the browser; the select stays the fallback.
(function () {
  "use strict";
  var select = document.querySelector("select[data-detect-timezone]");
  if (!select || select.hasAttribute("data-keep")) return;
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!detected) return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === detected) {
      select.value = detected;
      return;
    }
  }
})();
