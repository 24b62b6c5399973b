// <syncscope-embed>: a SyncScope view inside any page, as an <iframe> that grows to the
// height of what it shows. No dependencies; docs/embedding.md lists the attributes.
//
//   <script src="https://example.org/syncscope/syncscope-embed.js" defer></script>
//   <syncscope-embed scenario="email-conflict" strategy="lww" from="0" to="12" autoplay></syncscope-embed>
//
// The frame shows the SyncScope page this script was served with (or the one `src` names),
// with `embed=1` and the element's attributes as the link's parameters; the page checks
// every value and says in the frame which it could not use. A classic script (not a module),
// so that a page of any origin can load it without CORS headers.
(() => {
const PAGE = new URL('./', document.currentScript?.src ?? location.href);
// The link parameters an attribute may set, and those that are on when present.
const PARAMETERS = ['scenario', 'strategy', 'seed', 'idempotent', 'step', 'speed', 'select', 'changes',
  'controls', 'autoplay', 'from', 'to', 'theme', 'panels', 'faults'];
const SWITCHES = ['autoplay', 'faults'];
const MIN_HEIGHT = 240;

class SyncScopeEmbed extends HTMLElement {
  static observedAttributes = [...PARAMETERS, 'src', 'height', 'title'];

  constructor() {
    super();
    this.frame = null;
    this.onMessage = (event) => {
      const height = event.data?.type === 'syncscope:height' ? Number(event.data.height) : NaN;
      if (this.frame && event.source === this.frame.contentWindow && Number.isFinite(height)) {
        this.frame.style.height = `${Math.max(MIN_HEIGHT, Math.ceil(height))}px`;
      }
    };
  }

  connectedCallback() {
    if (!this.style.display) this.style.display = 'block';
    addEventListener('message', this.onMessage);
    this.render();
  }

  disconnectedCallback() {
    removeEventListener('message', this.onMessage);
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  /** The frame's address: the page, `embed=1`, and the element's parameters. */
  address() {
    const url = new URL(this.getAttribute('src') || PAGE, PAGE);
    url.searchParams.set('embed', '1');
    for (const name of PARAMETERS) {
      if (!this.hasAttribute(name)) continue;
      const value = this.getAttribute(name);
      url.searchParams.set(name, SWITCHES.includes(name) && value === '' ? '1' : value);
    }
    return url.href;
  }

  render() {
    if (!this.frame) {
      this.frame = document.createElement('iframe');
      this.frame.loading = 'lazy';
      this.frame.style.cssText = 'border: 0; width: 100%; display: block;';
      this.append(this.frame);
    }
    const scenario = this.getAttribute('scenario') || 'a reconciliation run';
    this.frame.title = this.getAttribute('title') || `SyncScope: ${scenario}`;
    const height = Number.parseInt(this.getAttribute('height') ?? '', 10);
    this.frame.style.height = `${Number.isFinite(height) ? Math.max(MIN_HEIGHT, height) : 420}px`;
    const address = this.address();
    if (this.frame.src !== address) this.frame.src = address;
  }
}

if (!customElements.get('syncscope-embed')) customElements.define('syncscope-embed', SyncScopeEmbed);
})();
