package fetch

import (
	"os"
)

// AppendOutput opens path to resume a download into it (-C): the one case
// where -o writes in place, as curl does, since what is already there is
// the start of the file. The body is appended to what the file holds
// (created when there is none). Abort cuts the file back to the size it
// had, so that an attempt given up for a retry leaves nothing; Commit
// keeps what was appended, a partial rest included, so that a later -C -
// resumes from there. A descriptor or a file that is not a regular file is
// opened as CreateOutput opens it. Its errors are ErrWrite.
func AppendOutput(path string) (*OutputFile, error) {
	if _, ok := descriptor(path); ok {
		return CreateOutput(path)
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return CreateOutput(path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return nil, createError(path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, createError(path, err)
	}
	return &OutputFile{path: path, f: f, appending: true, base: fi.Size(), inPlace: "resuming (-C) appends to it"}, nil
}

// Appending reports whether the file was opened by AppendOutput to append
// to it (not a descriptor or a device it fell back on).
func (o *OutputFile) Appending() bool { return o.appending }

// Written returns how many bytes the file received since it was opened,
// for a retry to say what it throws away: what a regular file grew by, 0
// for anything else (a descriptor, a device, a FIFO).
func (o *OutputFile) Written() int64 {
	if o.f == nil {
		return 0
	}
	fi, err := o.f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	if _, ok := descriptor(o.path); ok {
		return 0
	}
	return max(fi.Size()-o.base, 0)
}
