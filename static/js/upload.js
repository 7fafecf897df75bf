// Uploads with a preview and a progress bar (rural connections are slow). The server is the judge:
// this only previews, warns early about size, and shows progress; without JS the form posts normally.
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector('input[type="file"]');
    var preview = form.querySelector(".upload-preview");
    var progress = form.querySelector(".progress");
    var bar = progress ? progress.querySelector(".progress-bar") : null;
    var message = form.querySelector(".upload-message");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var lang = document.documentElement.lang;
    var text = {
      tooBig: lang === "en" ? "This file is larger than allowed." : "Tệp lớn hơn dung lượng cho phép.",
      failed: lang === "en" ? "Upload failed. Check the connection and try again." : "Tải lên không thành công. Hãy kiểm tra kết nối và thử lại.",
      sending: lang === "en" ? "Uploading…" : "Đang tải lên…",
    };

    function say(msg, isError) {
      if (!message) return;
      message.textContent = msg;
      message.className = "upload-message small mb-2" + (isError ? " text-danger" : " text-muted");
    }

    if (input && preview) {
      var show = function () {
        var file = input.files && input.files[0];
        if (preview.src) URL.revokeObjectURL(preview.src);
        if (file && file.type.indexOf("image/") === 0) {
          preview.src = URL.createObjectURL(file);
          preview.classList.remove("d-none");
        } else {
          preview.classList.add("d-none");
        }
        say(file && maxBytes && file.size > maxBytes ? text.tooBig : "", true);
      };
      input.addEventListener("change", show);
      // On a slow connection a file may be chosen before this script runs: preview it now.
      if (input.files && input.files.length) show();
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      if (progress && bar) {
        progress.classList.remove("d-none");
        bar.style.width = "0%";
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) {
            var pct = Math.round((e.loaded / e.total) * 100);
            bar.style.width = pct + "%";
            progress.setAttribute("aria-valuenow", String(pct));
          }
        });
      }
      say(text.sending, false);
      xhr.addEventListener("load", function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = {}; }
        if (xhr.status >= 200 && xhr.status < 300) {
          window.location.reload();
        } else {
          if (progress) progress.classList.add("d-none");
          say(data.error || text.failed, true);
        }
      });
      xhr.addEventListener("error", function () {
        if (progress) progress.classList.add("d-none");
        say(text.failed, true);
      });
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.js-upload"), setup);
  });
})();
