// Gifmachine kiosk and view page. No user text is ever evaluated: it arrives as JSON (kiosk) or
// as HTML-escaped data- attributes (view page) and is only ever assigned to textContent.
(function () {
  'use strict';

  var shown = document.getElementById('gif');
  var next = document.getElementById('gif-next');
  var frame = document.getElementById('frame');
  var top = document.getElementById('meme-top');
  var bottom = document.getElementById('meme-bottom');
  var pending = null;
  var socket = null;
  var attempts = 0;

  function httpUrl(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : '';
  }

  function text(value) {
    return typeof value === 'string' ? value : '';
  }

  // Load the next gif off-screen; it replaces the shown one only once it has loaded.
  function show(gif) {
    pending = { top: text(gif.meme_top), bottom: text(gif.meme_bottom) };
    var url = httpUrl(gif.url);
    if (!url) {
      swapText();
      return;
    }
    next.onload = swapGif;
    next.onerror = swapText;
    next.src = url;
  }

  function swapGif() {
    var previous = shown;
    shown = next;
    next = previous;
    shown.id = 'gif';
    next.id = 'gif-next';
    next.onload = null;
    next.onerror = null;
    next.removeAttribute('src');
    frame.insertBefore(shown, frame.firstChild);
    document.body.appendChild(next);
    swapText();
  }

  function swapText() {
    if (pending) {
      top.textContent = pending.top;
      bottom.textContent = pending.bottom;
      pending = null;
    }
    layout();
  }

  // As large as the window allows, keeping the aspect ratio (small gifs are scaled up too).
  function layout() {
    var w = window.innerWidth, h = window.innerHeight;
    var nw = shown.naturalWidth, nh = shown.naturalHeight;
    if (nw && nh) {
      var scale = Math.min(w / nw, h / nh);
      shown.style.width = Math.floor(nw * scale) + 'px';
      shown.style.height = Math.floor(nh * scale) + 'px';
    }
    fitText(top);
    fitText(bottom);
  }

  // Largest font up to a fifth of the image height at which the line still fits its width.
  function fitText(element) {
    var width = shown.clientWidth || window.innerWidth;
    var height = shown.clientHeight || window.innerHeight;
    var size = Math.max(12, Math.floor(height / 5));
    element.style.fontSize = size + 'px';
    var needed = element.scrollWidth;
    var room = width * 0.96;
    if (needed > room) {
      size = Math.max(10, Math.floor(size * room / needed));
      element.style.fontSize = size + 'px';
    }
  }

  // After any close (an instance draining sends 1012, a network cut sends nothing) try again:
  // first within half a second, then backing off to 15 s, each wait jittered so that a hundred
  // kiosks cut at once do not come back at once. The server greets every new connection with the
  // latest gif, so the kiosk shows it again without asking.
  function reconnectDelay() {
    var ceiling = Math.min(15000, 500 * Math.pow(2, attempts));
    attempts += 1;
    return ceiling / 2 + Math.random() * ceiling / 2;
  }

  function connect() {
    var scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(scheme + '//' + window.location.host + '/');
    socket.onopen = function () {
      attempts = 0;
    };
    socket.onclose = function () {
      window.setTimeout(connect, reconnectDelay());
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (message.type === 'gif') {
        show(message);
      } else if (message.type === 'reload') {
        window.location.reload();
      }
    };
  }

  window.addEventListener('resize', layout);

  var body = document.body;
  if (body.getAttribute('data-mode') === 'view') {
    show({
      url: body.getAttribute('data-url'),
      meme_top: body.getAttribute('data-meme-top'),
      meme_bottom: body.getAttribute('data-meme-bottom')
    });
  } else {
    connect();
  }
})();
