import { stripBidiControls } from '../lib/bidi';

/**
 * Text that came from traced applications or their users: isolated from the text around it (<bdi>) and without
 * bidi control characters, so right-to-left text cannot reorder the page around it.
 */
export function UserText({ text, className }: { text: string; className?: string }) {
  return <bdi className={className}>{stripBidiControls(text)}</bdi>;
}
