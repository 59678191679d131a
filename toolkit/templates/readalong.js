/* Read along (toolkit): the captions track drives it. While the audio plays, the sentence
   being spoken is highlighted and kept in view; a tap on a sentence plays from there. No
   network, no other code; without scripts the page is unchanged. The highlight is a class,
   not a live region: screen readers are not interrupted on every sentence. */
(function () {
  "use strict";
  var audio = document.querySelector("audio");
  var trackEl = audio && audio.querySelector("track");
  var article = document.querySelector("article");
  if (!trackEl || !article || !trackEl.track || !window.VTTCue) return;
  var track = trackEl.track;
  var word = /[\p{L}\p{N}\p{M}]/u;
  var spans = [], starts = [], ends = [], current = -1;
  track.mode = "hidden";

  function textNodes() {
    var out = [], walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentElement.closest(".listen, .note, script, style") ?
          NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while (walker.nextNode()) out.push(walker.currentNode);
    return out;
  }

  function squash(text) {
    var out = "";
    for (var ch of text) if (word.test(ch)) out += ch.toLowerCase();
    return out;
  }

  function build() {
    var cues = track.cues;
    if (!cues || !cues.length || spans.length) return;
    // the page's letters and digits in order, each with its text node and offset
    var flat = "", where = [];
    textNodes().forEach(function (node) {
      var text = node.data;
      for (var i = 0; i < text.length; i++) {
        var ch = text[i], code = text.charCodeAt(i);
        if (code >= 0xd800 && code <= 0xdbff) { ch = text.slice(i, i + 2); }
        if (word.test(ch)) {
          flat += ch.toLowerCase();
          for (var k = 0; k < ch.toLowerCase().length; k++) where.push([node, i, i + ch.length]);
        }
        if (ch.length === 2) i++;
      }
    });
    var pieces = [], at = 0, lastNode = null, lastEnd = 0;
    for (var c = 0; c < cues.length; c++) {
      var wanted = squash(cues[c].getCueAsHTML().textContent), found = wanted ? flat.indexOf(wanted, at) : -1;
      starts.push(cues[c].startTime);
      ends.push(cues[c].endTime);
      spans.push([]);
      if (found < 0) continue;  // a sentence that is not on the page as said: no highlight
      at = found + wanted.length;
      var first = where[found], last = where[at - 1], node = first[0], from = first[1];
      // take in the punctuation around the words ("¿…?", "…。"), up to a space or a
      // neighbour's piece
      var floor = node === lastNode ? lastEnd : 0;
      while (from > floor && /[^\s\p{L}\p{N}\p{M}]/u.test(node.data[from - 1])) from--;
      var stop = last[2], tail = last[0].data;
      while (stop < tail.length && /[^\s\p{L}\p{N}\p{M}]/u.test(tail[stop])) stop++;
      lastNode = last[0];
      lastEnd = stop;
      for (var j = found; j < at; j++) {  // one piece per text node the sentence covers
        if (where[j][0] !== node) {
          pieces.push([node, from, where[j - 1][2], c]);
          node = where[j][0];
          from = where[j][1];
        }
      }
      pieces.push([node, from, stop, c]);
    }
    // wrap from the end backwards, so the offsets of earlier pieces stay right
    for (var p = pieces.length - 1; p >= 0; p--) {
      var piece = pieces[p], target = piece[0];
      if (piece[2] < target.data.length) target.splitText(piece[2]);
      var middle = piece[1] > 0 ? target.splitText(piece[1]) : target;
      var span = document.createElement("span");
      span.className = "ra";
      span.setAttribute("data-cue", piece[3]);
      middle.parentNode.replaceChild(span, middle);
      span.appendChild(middle);
      spans[piece[3]].unshift(span);
    }
    article.classList.add("readalong");
    // the keyboard's way to "tap a sentence": buttons to the previous and next one
    var nav = document.getElementById("ra-nav");
    if (nav) {
      audio.after(nav.content.cloneNode(true));
      audio.parentNode.querySelectorAll(".ra-nav button").forEach(function (button) {
        button.addEventListener("click", function () {
          var from = current >= 0 ? current : active(audio.currentTime);
          var to = Math.min(Math.max(from + +button.getAttribute("data-step"), 0), starts.length - 1);
          playFrom(to);
        });
      });
    }
    update();
  }

  function active(time) {
    for (var i = 0; i < starts.length; i++) {
      if (starts[i] <= time && time < ends[i]) return i;
    }
    return -1;
  }

  function update() {
    // nothing is marked before the audio has started
    var now = audio.paused && !audio.currentTime ? -1 : active(audio.currentTime);
    if (now === current) return;
    if (current >= 0) spans[current].forEach(function (s) { s.classList.remove("ra-on"); });
    current = now;
    if (now < 0 || !spans[now].length) return;
    spans[now].forEach(function (s) { s.classList.add("ra-on"); });
    var box = spans[now][0].getBoundingClientRect();
    if (!audio.paused && (box.top < 0 || box.bottom > window.innerHeight)) {
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      spans[now][0].scrollIntoView({block: "center", behavior: still ? "auto" : "smooth"});
    }
  }

  article.addEventListener("click", function (event) {
    var span = event.target.closest && event.target.closest(".ra");
    if (!span || event.target.closest("a") || String(window.getSelection())) return;
    playFrom(+span.getAttribute("data-cue"));
  });
  function playFrom(cue) {
    audio.currentTime = starts[cue] + 0.01;
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () {});
    update();
  }
  ["timeupdate", "seeked", "play"].forEach(function (name) {
    audio.addEventListener(name, update);
  });
  // a page opened from a file may not load its <track>: the same cues are in the page
  function fallback() {
    var copy = document.getElementById("cues");
    if (!copy || spans.length) return;
    track = audio.addTextTrack("metadata");
    track.mode = "hidden";
    copy.textContent.split(/\n\s*\n/).forEach(function (block) {
      var lines = block.trim().split("\n"), at = lines.findIndex(function (l) {
        return l.indexOf("-->") > 0;
      });
      if (at < 0) return;
      var times = lines[at].split("-->").map(seconds);
      track.addCue(new VTTCue(times[0], times[1], lines.slice(at + 1).join("\n")));
    });
    build();
  }
  function seconds(text) {
    return text.trim().split(" ")[0].split(":").reduce(function (sum, part) {
      return sum * 60 + parseFloat(part);
    }, 0);
  }
  trackEl.addEventListener("load", build);
  trackEl.addEventListener("error", fallback);
  if (trackEl.readyState === 2) build();
  else if (trackEl.readyState === 3) fallback();
})();
