/** Marks token counts (and the cost from them) estimated from the messages: the call reported no usage. */
export function EstimatedMark() {
  return (
    <abbr
      className="est-mark"
      title="Estimated from the messages: the instrumentation reported no token counts"
    >
      est.
    </abbr>
  );
}
