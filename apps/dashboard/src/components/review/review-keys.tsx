'use client';

export const REVIEW_KEYS: Array<[string, string]> = [
  ['1 … 9', 'choose the label (again: clear it)'],
  ['s', 'go to the first score (Tab to the next)'],
  ['c', 'write the corrected answer'],
  ['m', 'write a comment'],
  ['Ctrl+Enter', 'submit and open the next item (also while typing)'],
  ['Esc', 'leave a text field; close this help'],
  ['?', 'show or hide these keys'],
];

/** The review screen's keys, always listed beside the form and in full on `?`. */
export function ReviewKeys({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <>
      <p className="muted small keys-line" aria-label="Keyboard shortcuts">
        <kbd>1</kbd>…<kbd>9</kbd> label · <kbd>s</kbd> score · <kbd>c</kbd> correct · <kbd>m</kbd> comment ·{' '}
        <kbd>Ctrl</kbd>+<kbd>Enter</kbd> submit and next · <kbd>?</kbd> all keys
      </p>
      {open ? (
        <div className="keys-help card panel" role="dialog" aria-label="Review keys">
          <div className="panel-head">
            <h2>Keys</h2>
            <button type="button" className="button small" onClick={onClose}>
              Close <kbd>Esc</kbd>
            </button>
          </div>
          <table className="table">
            <tbody>
              {REVIEW_KEYS.map(([key, what]) => (
                <tr key={key}>
                  <td>
                    <kbd>{key}</kbd>
                  </td>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
