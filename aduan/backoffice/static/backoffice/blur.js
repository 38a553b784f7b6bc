// Blurring parts of a report's photos for the public (issue 15): in the workspace's "Ubah versi
// publik" form the dispatcher drags boxes over a photo with a mouse or a finger (pointer events).
// The boxes are written into the form's percent field ("x,y,w,h; x,y,w,h"), which stays the one
// thing the form sends and the way to do it without JavaScript (backoffice/forms/
// dispatcher.py EditPublicForm, reports/blur.py parse_regions); typing in it redraws the boxes.
const MIN_SIZE = 1; // percent of the photo: a tap or a slip of the finger is not a box

const round = (value) => Math.round(value * 10) / 10;

function parseRegions(text) {
  return text
    .split(/[;\n]/)
    .map((part) => part.replace(/\s/g, "").split(",").map(Number))
    .filter((r) => r.length === 4 && r.every(Number.isFinite) && r[2] > 0 && r[3] > 0);
}

function formatRegions(regions) {
  return regions.map((region) => region.join(",")).join("; ");
}

// The box between two points (percent of the photo), inside the photo, rounded as it is written.
function between(a, b) {
  const x = round(Math.min(a.x, b.x));
  const y = round(Math.min(a.y, b.y));
  const w = round(Math.min(Math.abs(a.x - b.x), 100 - x));
  return [x, y, w, round(Math.min(Math.abs(a.y - b.y), 100 - y))];
}

function pointIn(stage, event) {
  const frame = stage.getBoundingClientRect();
  const clamp = (value) => Math.min(100, Math.max(0, value));
  return {
    x: clamp(((event.clientX - frame.left) / frame.width) * 100),
    y: clamp(((event.clientY - frame.top) / frame.height) * 100),
  };
}

function place(box, [x, y, w, h]) {
  Object.assign(box.style, { left: `${x}%`, top: `${y}%`, width: `${w}%`, height: `${h}%` });
}

function setUp(editor) {
  const form = editor.closest("form");
  const photo = form.elements.photo;
  const field = form.elements.regions;
  const figures = [...editor.querySelectorAll("figure[data-photo]")];
  const figureOf = (pk) => figures.find((figure) => figure.dataset.photo === pk);

  // The photo chosen in the form shows the field's boxes, each with its ×; the others their saved
  // regions, to be edited by drawing on them (which chooses them).
  function render() {
    for (const figure of figures) {
      const active = figure.dataset.photo === photo.value;
      const stage = figure.querySelector(".blur-stage");
      figure.classList.toggle("active", active);
      for (const old of stage.querySelectorAll(".blur-box")) old.remove();
      parseRegions(active ? field.value : figure.dataset.regions).forEach((region, index) => {
        const box = document.createElement("div");
        box.className = "blur-box";
        place(box, region);
        if (active) {
          const remove = document.createElement("button");
          remove.type = "button";
          remove.textContent = "×";
          remove.dataset.remove = index;
          remove.setAttribute("aria-label", editor.dataset.removeLabel);
          box.append(remove);
        }
        stage.append(box);
      });
    }
  }

  function choose(figure) {
    if (photo.value === figure.dataset.photo) return;
    photo.value = figure.dataset.photo;
    field.value = figure.dataset.regions;
    render();
  }

  function write(regions) {
    field.value = formatRegions(regions);
    render();
  }

  photo.addEventListener("change", () => {
    field.value = figureOf(photo.value)?.dataset.regions ?? "";
    render();
  });
  field.addEventListener("input", render);
  editor.addEventListener("click", (event) => {
    const remove = event.target.closest("button[data-remove]");
    if (!remove) return;
    const regions = parseRegions(field.value);
    regions.splice(Number(remove.dataset.remove), 1);
    write(regions);
  });

  for (const figure of figures) {
    const stage = figure.querySelector(".blur-stage");
    let drag = null; // {pointer, start, box} while a box is being drawn
    stage.addEventListener("pointerdown", (event) => {
      if (drag || event.button !== 0 || event.target.closest("button")) return;
      event.preventDefault();
      choose(figure);
      const box = document.createElement("div");
      box.className = "blur-box drawing";
      stage.append(box);
      drag = { pointer: event.pointerId, start: pointIn(stage, event), box };
      place(box, between(drag.start, drag.start));
      stage.setPointerCapture(event.pointerId);
    });
    stage.addEventListener("pointermove", (event) => {
      if (drag?.pointer !== event.pointerId) return;
      place(drag.box, between(drag.start, pointIn(stage, event)));
    });
    const finish = (event) => {
      if (drag?.pointer !== event.pointerId) return;
      const region = between(drag.start, pointIn(stage, event));
      drag.box.remove();
      drag = null;
      if (event.type === "pointerup" && region[2] >= MIN_SIZE && region[3] >= MIN_SIZE) {
        write([...parseRegions(field.value), region]);
      }
    };
    stage.addEventListener("pointerup", finish);
    stage.addEventListener("pointercancel", finish);
  }

  editor.hidden = false;
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const editor of document.querySelectorAll("[data-blur-editor]")) setUp(editor);
});
