//go:build go1.23

package cgoguard

// Range-over-func iterators for the mailbox, for Go 1.23 and later (the
// module itself supports Go 1.21, where Batch.Next and Mailbox.Chan do the
// same job).

import (
	"errors"
	"iter"
)

// All returns an iterator over the batch's remaining messages. Each message
// points into the buffer passed to Recv.
func (b *Batch) All() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for msg, ok := b.Next(); ok; msg, ok = b.Next() {
			if !yield(msg) {
				return
			}
		}
	}
}

// All receives with buf until the mailbox is closed and drained, yielding
// every message with a nil error; a message is valid only until the next
// iteration step. On a receive error other than ErrClosed it yields that
// error once and stops. Breaking out of the loop stops receiving.
//
//	for msg, err := range mb.All(buf) {
//	    if err != nil { ... }
//	    handle(msg)
//	}
func (m *Mailbox) All(buf []byte) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		for {
			b, err := m.Recv(buf, -1)
			if errors.Is(err, ErrClosed) {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for msg, ok := b.Next(); ok; msg, ok = b.Next() {
				if !yield(msg, nil) {
					return
				}
			}
		}
	}
}
