// The page's behaviour, run once when it loads. `QA` is given by ui/app.py:
// {strings: {vi: {...}, en: {...}}, limit: 500, near: 400}.
//
// - Interface language: ?lang=vi|en, else the browser's first of Vietnamese and English, else
//   Vietnamese; Gradio is told, since Vietnamese is not among its own languages.
// - Citations: every answer's quotes end with links "#a<start>-<end>" (an answer) or
//   "#c<start>-<end>" (a closest passage), ranked in order. The article panel marks the quotes of
//   one answer: the last one received, or the one whose citation the reader last activated. Clear,
//   Undo and Retry change the last answer, so the panel follows them.
// - Focus returns to the question box after every answer; a counter near the length limit; an
//   empty question is refused here, in the interface language.
// - Phone: the chat fills the screen and the article opens over it ("Xem bài báo"), so one area
//   scrolls at a time.

const languages = Object.keys(QA.strings);
const asked = new URLSearchParams(location.search).get('lang');
const preferred = (navigator.languages || [navigator.language]).map((l) => l.slice(0, 2).toLowerCase());
const lang = languages.includes(asked) ? asked : preferred.find((l) => languages.includes(l)) || languages[0];
const S = QA.strings[lang];
document.documentElement.lang = lang;
const core = performance.getEntriesByType('resource').map((e) => e.name)
  .find((name) => /\/assets\/core-[^/]+\.js$/.test(name));
if (core) import(core).then((m) => m.changeLocale && m.changeLocale(lang)).catch(() => {});

const CITATION = /^#([ac])(\d+)-(\d+)$/;
const $ = (selector) => document.querySelector(selector);
const column = () => $('#source-column');
const phone = () => matchMedia('(max-width: 768px)').matches;

// Python counts offsets in code points, the DOM in UTF-16 units.
function units(text, points) {
  let i = 0;
  for (let n = 0; n < points && i < text.length; n++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
  return i;
}

function citations(message) {
  return [...message.querySelectorAll('a[href^="#"]')]
    .map((a) => CITATION.exec(a.getAttribute('href'))).filter(Boolean)
    .map((m, i) => ({kind: m[1], start: +m[2], end: +m[3], rank: i + 1}));
}

function clearMarks() {
  document.querySelectorAll('#source-panel .qa-text').forEach((span) => {
    if (span.dataset.marked) { span.textContent = span.dataset.plain; delete span.dataset.marked; }
  });
  document.querySelectorAll('.qa-shown-answer').forEach((m) => m.classList.remove('qa-shown-answer'));
  const note = $('#qa-note');
  if (note) note.hidden = true;
}

function markQuotes(quotes) {
  for (const span of document.querySelectorAll('#source-panel .qa-text')) {
    span.dataset.plain ??= span.textContent;
    const plain = span.dataset.plain, first = +span.dataset.start, last = first + [...plain].length;
    const pieces = quotes.filter((q) => q.start < last && q.end > first)
      .map((q) => ({...q, from: Math.max(q.start, first) - first, to: Math.min(q.end, last) - first}))
      .sort((a, b) => b.from - a.from);  // from the end, so the first text node keeps its offsets
    for (const q of pieces) {
      const range = document.createRange();
      range.setStart(span.firstChild, units(plain, q.from));
      range.setEnd(span.firstChild, units(plain, q.to));
      const mark = document.createElement('mark');
      mark.className = q.kind === 'a' ? 'qa-answer' : 'qa-closest';
      mark.dataset.rank = q.rank;
      mark.tabIndex = -1;
      if (q.kind === 'c') mark.title = S.not_an_answer;
      range.surroundContents(mark);
      span.dataset.marked = '1';
    }
  }
}

// Scroll the article panel, never the page, so that `element` stands in its middle.
function reveal(element) {
  const box = column();
  if (!element || !box || !box.getClientRects().length) return;  // hidden: a phone's closed article
  const offset = element.getBoundingClientRect().top - box.getBoundingClientRect().top;
  box.scrollTo({top: box.scrollTop + offset - box.clientHeight / 2, behavior: 'smooth'});
}

function showAnswer(message) {
  clearMarks();
  if (!message) return;
  const quotes = citations(message);
  markQuotes(quotes);
  message.classList.add('qa-shown-answer');
  const note = $('#qa-note');
  if (note) { note.textContent = S.declined_note; note.hidden = !quotes.some((q) => q.kind === 'c'); }
  reveal($('#source-panel mark[data-rank="1"]'));
}

function paragraphOf(start) {
  return [...document.querySelectorAll('#source-panel .qa-text')].find((span) => {
    const first = +span.dataset.start;
    return start >= first && start < first + [...(span.dataset.plain ?? span.textContent)].length;
  })?.closest('p');
}

const articleOpen = () => !!column()?.classList.contains('qa-open');
function openArticle(open) {
  column()?.classList.toggle('qa-open', open);
  if (!open) { $('#article-toggle')?.focus(); return; }
  column()?.focus({preventScroll: true});
  reveal($('#source-panel mark[data-rank="1"]'));
}

// After every answer the next keystrokes go to the box: Gradio disables it while answering, so
// wait (up to 3 s) until it can take focus again.
function focusQuestion() {
  let tries = 0;
  const timer = setInterval(() => {
    const box = $('#question textarea');
    if (box && !box.disabled && !articleOpen()) box.focus();
    if ((box && !box.disabled && document.activeElement === box) || ++tries > 60) clearInterval(timer);
  }, 50);
}

// The panel follows the last answer whenever the conversation changes (new answer, Clear, Undo,
// Retry, restored after a reload).
let seen = null;
function followConversation() {
  const answers = [...document.querySelectorAll('#chat [data-testid="bot"]')];
  const last = answers[answers.length - 1];
  const signature = `${answers.length}:${last ? citations(last).map((q) => q.start + '-' + q.end).join() : ''}`;
  if (signature === seen) return;
  const first = seen === null;
  seen = signature;
  showAnswer(last);
  if (!first || last) focusQuestion();
}

function labelRegions() {
  const box = column();
  if (box && !box.hasAttribute('role')) {
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', S.article_region);
    box.tabIndex = 0;  // a scrolling region must be reachable from the keyboard
    const close = document.createElement('button');
    close.className = 'qa-close';
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', S.close_article);
    box.prepend(close);
  }
  const question = $('#question textarea');  // Gradio empties the placeholder when it resets the box
  if (question && !question.placeholder) question.placeholder = S.question_placeholder;
  const send = $('#question button.submit-button, #question button[type="submit"], #question button');
  if (send && !send.getAttribute('aria-label')) send.setAttribute('aria-label', S.send);
  // Gradio writes some names in English whatever the locale, and a message's name as markdown.
  const examples = $('#chat .examples[role="list"]');
  if (examples) { examples.setAttribute('role', 'group'); examples.setAttribute('aria-label', S.examples); }
  document.querySelectorAll('#chat button.example').forEach((b) => b.setAttribute('aria-label', `${S.example}: ${b.textContent.trim()}`));
  document.querySelectorAll('#chat [aria-label="chatbot conversation"]').forEach((e) => e.setAttribute('aria-label', S.chat_label));
  document.querySelectorAll('#chat [data-testid="user"], #chat [data-testid="bot"]').forEach((m) => {
    const label = `${m.dataset.testid === 'user' ? S.your_question : S.answer}: ${m.textContent.trim()}`;
    for (const e of [m, ...m.querySelectorAll('[aria-label^="user\'s message"], [aria-label^="bot\'s message"]')]) {
      if (e.hasAttribute('aria-label') && e.getAttribute('aria-label') !== label) e.setAttribute('aria-label', label);
    }
  });
  document.querySelectorAll('footer[aria-label="Gradio footer navigation"]').forEach((e) => e.setAttribute('aria-label', S.footer));
  document.querySelectorAll('button[aria-label] svg[aria-label]').forEach((e) => e.setAttribute('aria-hidden', 'true'));
}

// Phone: the chat takes the height the rest of the page leaves (a long title makes the header
// taller), so the page itself never scrolls; elsewhere Gradio's own height stands.
function fitPhone() {
  const chat = $('#chat'), end = $('footer') || $('.gradio-container');
  if (!chat || !end) return;
  chat.dataset.height ??= chat.style.height;
  if (!phone()) { chat.style.height = chat.dataset.height; return; }
  const fit = (height) => chat.style.setProperty('height', `${Math.max(200, height)}px`, 'important');
  fit(chat.offsetHeight + innerHeight - (end.getBoundingClientRect().bottom + scrollY));
  fit(chat.offsetHeight - Math.max(0, document.scrollingElement.scrollHeight - innerHeight));  // the page's margin
}
addEventListener('resize', fitPhone);

let pending = 0;
new MutationObserver(() => {
  clearTimeout(pending);
  pending = setTimeout(() => { labelRegions(); followConversation(); fitPhone(); }, 60);
}).observe(document.body, {childList: true, subtree: true, characterData: true, attributeFilter: ['placeholder', 'aria-label']});

document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('#chat a[href^="#"]');
  const cited = link && CITATION.exec(link.getAttribute('href'));
  if (cited) {
    event.preventDefault(); event.stopPropagation();
    showAnswer(link.closest('[data-testid="bot"]'));
    if (phone()) openArticle(true);
    const rank = citations(link.closest('[data-testid="bot"]')).findIndex((q) => `#${q.kind}${q.start}-${q.end}` === link.getAttribute('href')) + 1;
    const mark = $(`#source-panel mark[data-rank="${rank}"]`);
    reveal(mark);
    mark?.focus({preventScroll: true});
    return;
  }
  if (event.target.closest && event.target.closest('#article-toggle')) openArticle(true);
  if (event.target.closest && event.target.closest('#source-column .qa-close')) openArticle(false);
}, true);

// Hovering or focusing a citation outlines its paragraph in the panel.
const outline = (event) => {
  const link = event.target.closest && event.target.closest('#chat a[href^="#"]');
  const cited = link && CITATION.exec(link.getAttribute('href'));
  if (!cited) return;
  document.querySelectorAll('#source-panel p.qa-shown').forEach((p) => p.classList.remove('qa-shown'));
  const paragraph = paragraphOf(+cited[2]);
  paragraph?.classList.add('qa-shown');
  reveal(paragraph);
};
document.addEventListener('mouseover', outline, true);
document.addEventListener('focusin', outline, true);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && articleOpen()) openArticle(false);
}, true);

// The counter under the box, and empty questions refused with a word in the interface language.
const counter = document.createElement('div');
counter.id = 'question-counter';
counter.setAttribute('aria-live', 'polite');
function say(text) {
  const box = $('#question');
  if (box && !counter.isConnected) box.appendChild(counter);
  counter.textContent = text;
}
document.addEventListener('input', (event) => {
  const box = event.target;
  if (!box.matches || !box.matches('#question textarea')) return;
  const n = box.value.length;
  say(n >= QA.limit ? `${n}/${QA.limit} ${S.at_limit}` : n >= QA.near ? `${n}/${QA.limit} ${S.characters}` : '');
}, true);
function refuseEmpty(event) {
  const box = $('#question textarea');
  if (!box || box.value.trim()) return;
  event.preventDefault(); event.stopPropagation();
  say(S.empty_question);
}
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && event.target.matches && event.target.matches('#question textarea')) {
    refuseEmpty(event);
  }
}, true);
document.addEventListener('click', (event) => {
  if (event.target.closest && event.target.closest('#question button')) refuseEmpty(event);
}, true);
