// The layout zoo's page script (hand-written for companion's browser bench).
// Starts every <video>, then once a second, and whenever a tile moves, logs one line the
// harness reads from chromium's stderr:  ZOO {"tiles":[{"x":..,"y":..,"w":..,"h":..,"faces":n},...],...}
// Tile rectangles are viewport CSS pixels (getBoundingClientRect).
(function () {
  "use strict";

  function build() {
    // Pages that draw many tiles list their clips and let this script make the tiles.
    const grid = document.querySelector("[data-zoo-grid]");
    if (!grid || !window.ZOO_TILES) return;
    window.ZOO_TILES.forEach(function (t) {
      const tile = document.createElement("div");
      tile.className = "tile";
      tile.dataset.faces = String(t.faces);
      tile.dataset.name = t.name;
      if (t.src) {
        const v = document.createElement("video");
        v.src = t.src;
        v.autoplay = true;
        v.muted = true;
        v.loop = true;
        v.playsInline = true;
        tile.appendChild(v);
      } else if (t.initials) {
        const a = document.createElement("div");
        a.className = "avatar";
        a.style.background = t.colour || "#7b1fa2";
        a.textContent = t.initials;
        tile.appendChild(a);
      } else {
        // Zoom's camera-off tile: the name in large type.
        const card = document.createElement("div");
        card.className = "nocam";
        card.textContent = t.name;
        tile.appendChild(card);
      }
      const label = document.createElement("div");
      label.className = "name";
      label.textContent = t.name;
      tile.appendChild(label);
      grid.appendChild(tile);
    });
  }

  // The call window's own controls, the same on every page of one client: a page names
  // them (data-zoo-chrome) and this script draws them, before the clock is set.
  const CHROME = {
    meet:
      '<div class="meeting"><span data-clock></span><span class="sep">|</span>' +
      '<span data-zoo-meeting></span></div>' +
      '<div class="controls">' +
      '<div class="btn"><span class="glyph-mic"></span></div>' +
      '<div class="btn"><span class="glyph-cam"></span></div>' +
      '<div class="btn">CC</div>' +
      '<div class="btn">&#9786;</div>' +
      '<div class="btn">&#8679;</div>' +
      '<div class="btn"><span class="glyph-dots">...</span></div>' +
      '<div class="btn end"></div>' +
      "</div>" +
      '<div class="side"><span class="round"></span><span></span><span></span>' +
      '<span class="round"></span></div>',
    teams:
      '<div class="timer"><span class="shield"></span><span data-clock></span></div>' +
      '<div class="tool"><i></i>Chat</div>' +
      '<div class="tool"><i class="round"></i>People</div>' +
      '<div class="tool"><i></i>Raise</div>' +
      '<div class="tool"><i class="round"></i>React</div>' +
      '<div class="tool"><i></i>View</div>' +
      '<div class="tool"><i></i>More</div>' +
      '<div class="tool split"><i></i>Camera</div>' +
      '<div class="tool"><i class="round"></i>Mic</div>' +
      '<div class="tool"><i></i>Share</div>' +
      '<div class="leave">Leave</div>',
    zoom:
      '<div class="tb"><i></i>Mute</div>' +
      '<div class="tb"><i></i>Stop Video</div>' +
      '<div class="gap"></div>' +
      '<div class="tb"><i class="round"></i>Participants</div>' +
      '<div class="tb"><i></i>Chat</div>' +
      '<div class="tb share"><i></i>Share Screen</div>' +
      '<div class="tb"><i class="round"></i>Record</div>' +
      '<div class="tb"><i></i>Reactions</div>' +
      '<div class="gap"></div>' +
      '<div class="end">End</div>',
  };

  function chrome() {
    document.querySelectorAll("[data-zoo-chrome]").forEach(function (el) {
      el.innerHTML = CHROME[el.dataset.zooChrome] || "";
      el.querySelectorAll("[data-zoo-meeting]").forEach(function (m) {
        m.textContent = el.dataset.meeting || "";
      });
    });
  }

  function clock() {
    const now = new Date();
    const text = now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    document.querySelectorAll("[data-clock]").forEach(function (el) {
      el.textContent = text;
    });
  }

  function report() {
    // A tile not drawn (someone about to join) is not on the page.
    const shown = Array.from(document.querySelectorAll("[data-faces]")).filter(function (el) {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    });
    const tiles = shown.map(function (el) {
      const r = el.getBoundingClientRect();
      return {
        name: el.dataset.name || "",
        x: Math.round(r.left * 10) / 10,
        y: Math.round(r.top * 10) / 10,
        w: Math.round(r.width * 10) / 10,
        h: Math.round(r.height * 10) / 10,
        faces: Number(el.dataset.faces),
      };
    });
    const videos = Array.from(document.querySelectorAll("video"));
    const playing = videos.filter(function (v) {
      return !v.paused && v.readyState >= 2 && v.currentTime > 0;
    }).length;
    const errors = videos.filter(function (v) { return v.error !== null; }).length;
    const line = {
      title: document.title,
      faces: Number(document.body.dataset.zooFaces),
      tiles: tiles,
      videos: videos.length,
      playing: playing,
      errors: errors,
      vw: window.innerWidth,
      vh: window.innerHeight,
      dpr: window.devicePixelRatio,
      now: Date.now(),
    };
    // Once a second, and at once when a tile moves (someone joined or left).
    const shape = JSON.stringify(tiles);
    const now = Date.now();
    if (shape === reported.shape && now - reported.at < 1000) return;
    reported.shape = shape;
    reported.at = now;
    console.log("ZOO " + JSON.stringify(line));
  }
  const reported = { shape: "", at: 0 };

  function start() {
    build();
    chrome();
    document.querySelectorAll("video").forEach(function (v) {
      v.muted = true;
      const p = v.play();
      if (p && p.catch) p.catch(function () {});
    });
    clock();
    setInterval(clock, 15000);
    report();
    setInterval(report, 200);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
