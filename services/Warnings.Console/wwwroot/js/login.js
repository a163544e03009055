// Sign-in: the credential goes once, in the Authorization header the platform already accepts
// (a cross-site form cannot send one); the answer is an HttpOnly session cookie, never the key.
const form = document.getElementById('signin');
const error = document.getElementById('error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const kind = form.elements.kind.value;
  const credential = form.elements.credential.value.trim();
  if (!credential) {
    error.textContent = '请输入密钥或令牌。 Enter a key or token.';
    form.elements.credential.focus();
    return;
  }
  const response = await fetch('/console/session', {
    method: 'POST',
    headers: { Authorization: `${kind} ${credential}`, Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (response.ok) {
    location.assign('/console');
    return;
  }
  const body = await response.json().catch(() => ({}));
  // A google.rpc.Status: the reason is in its ErrorInfo detail.
  const info = (body.details || []).find((d) => (d['@type'] || '').endsWith('google.rpc.ErrorInfo'));
  error.textContent = `登录失败 Sign-in refused: ${body.message || response.status} (${(info && info.reason) || 'ERROR'})`;
  form.elements.credential.select();
});
