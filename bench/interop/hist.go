package main

// A log-linear latency histogram: exact below 64 ns, then 32 buckets per
// power of two (at most 3% wide), so percentiles need no stored samples and
// recording costs one increment. Each producer's events are recorded in
// that producer's own histogram, by one thread at a time.

import (
	"fmt"
	"math/bits"
	"strings"
	"time"
)

const (
	histSub     = 5 // 2^5 buckets per power of two
	histBuckets = 58<<histSub + 64
)

type hist struct {
	counts [histBuckets]uint64
	n      uint64
	max    int64
}

func histIndex(v int64) int {
	if v < 64 {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 6 // v in [32<<e, 64<<e)
	return e<<histSub + int(v>>e)
}

// histValue is the middle of bucket i.
func histValue(i int) int64 {
	if i < 64 {
		return int64(i)
	}
	e := i>>histSub - 1
	sub := int64(i&(1<<histSub-1) + 1<<histSub)
	return sub<<e + (int64(1)<<e)/2
}

func (h *hist) add(v int64) {
	h.counts[histIndex(v)]++
	h.n++
	if v > h.max {
		h.max = v
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

func (h *hist) reset() { *h = hist{} }

// quantile is the value below which a fraction q of the events lie.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n-1)) + 1
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(histValue(i), h.max))
		}
	}
	return time.Duration(h.max)
}

// Coarse buckets for printing: < 1 µs, then powers of two up to >= 16 ms.
var coarseEdges = func() []time.Duration {
	var e []time.Duration
	for d := time.Microsecond; d <= 16*time.Millisecond; d *= 2 {
		e = append(e, d)
	}
	return e
}()

func coarseHeader() string {
	var b strings.Builder
	for i, e := range coarseEdges {
		if i == 0 {
			fmt.Fprintf(&b, " %6s", "<"+shortDur(e))
		} else {
			fmt.Fprintf(&b, " %6s", shortDur(e))
		}
	}
	fmt.Fprintf(&b, " %6s", ">="+shortDur(coarseEdges[len(coarseEdges)-1]))
	return b.String()
}

// coarse prints the share of events per coarse bucket, in percent; a
// bucket holding fewer than 0.05% but at least one event shows "+".
func (h *hist) coarse() string {
	shares := make([]uint64, len(coarseEdges)+1)
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		v := time.Duration(histValue(i))
		k := len(coarseEdges)
		for j, e := range coarseEdges {
			if v < e {
				k = j
				break
			}
		}
		shares[k] += c
	}
	var b strings.Builder
	for _, c := range shares {
		switch {
		case c == 0:
			fmt.Fprintf(&b, " %6s", ".")
		case float64(c)/float64(h.n) < 0.0005:
			fmt.Fprintf(&b, " %6s", "+")
		default:
			fmt.Fprintf(&b, " %6.1f", 100*float64(c)/float64(h.n))
		}
	}
	return b.String()
}

// shortDur prints 1µs, 512µs, 2ms, 1.5ms, 250ns.
func shortDur(d time.Duration) string {
	switch {
	case d >= time.Millisecond:
		return trimZero(fmt.Sprintf("%.1f", float64(d)/1e6)) + "ms"
	case d >= time.Microsecond:
		return trimZero(fmt.Sprintf("%.1f", float64(d)/1e3)) + "µs"
	}
	return fmt.Sprintf("%dns", int64(d))
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
