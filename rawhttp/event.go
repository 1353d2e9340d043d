package rawhttp

import "strconv"

// EventKind names a step of the parse, for the teaching view.
type EventKind uint8

const (
	EvStatusLine EventKind = iota + 1 // Raw: the status line; Status set
	EvField                           // Raw: the field line(s); Name, Value
	EvInterimEnd                      // a 1xx head ended (Raw: the empty line); Status set
	EvHeadEnd                         // the final head ended (Raw: the empty line)
	EvFraming                         // Framing set
	EvChunkSize                       // Raw: the chunk-size line; Size
	EvChunkData                       // Size: chunk-data bytes consumed (once per chunk, after its CRLF)
	EvTrailer                         // Raw: the trailer line(s); Name, Value
	EvBodyEnd                         // Size: body bytes; Raw: the last framing bytes if any
)

var eventNames = [...]string{
	EvStatusLine: "status-line",
	EvField:      "field",
	EvInterimEnd: "interim-end",
	EvHeadEnd:    "head-end",
	EvFraming:    "framing",
	EvChunkSize:  "chunk-size",
	EvChunkData:  "chunk-data",
	EvTrailer:    "trailer",
	EvBodyEnd:    "body-end",
}

// String returns a short lowercase name such as "chunk-size".
func (k EventKind) String() string {
	if int(k) < len(eventNames) && eventNames[k] != "" {
		return eventNames[k]
	}
	return "event(" + strconv.Itoa(int(k)) + ")"
}

// Event is one step of the parse. Raw is only valid during the callback;
// Name and Value share the memory of the Response being read, so they stay
// valid as long as its strings do (see Response).
type Event struct {
	Kind    EventKind
	Offset  int64 // stream offset of the first byte of Raw (of the data for EvChunkData)
	Raw     []byte
	Status  int
	Name    string
	Value   string
	Size    int64
	Framing *Framing
}

// emit hands ev to the observer. Callers test r.Observe != nil first so
// that building the Event costs nothing when nobody watches.
func (r *Reader) emit(ev Event) { r.Observe(ev) }

// itoa formats n in decimal.
func itoa(n int) string { return strconv.Itoa(n) }
