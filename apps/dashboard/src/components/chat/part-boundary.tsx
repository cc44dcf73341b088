'use client';
import { Component, type ReactNode } from 'react';

/** One broken message must not take the conversation down with it. */
export class PartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? (
      <p className="muted small">This part could not be displayed.</p>
    ) : (
      this.props.children
    );
  }
}
