// Small progressive enhancements; the CSP allows no inline script, so they live here.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = button && button.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// After a failed submit, put the keyboard focus on the first field with an error.
document.addEventListener("DOMContentLoaded", function () {
  var invalid = document.querySelector(".is-invalid");
  if (invalid) {
    invalid.focus();
  }
});
