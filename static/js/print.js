// A "Print" button without inline script: any element with data-print opens the browser's print dialogue.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
