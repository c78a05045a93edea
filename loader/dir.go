package loader

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/iamx/iamx/model"
)

// SnapshotDirPatterns are the names ReadDir loads from a directory; other
// files and subdirectories are left alone (a README or a capture log may sit
// next to the snapshots).
var SnapshotDirPatterns = []string{"*.json", "*.json.gz"}

// IsSnapshotDirEntry reports whether ReadDir loads a file of this name.
func IsSnapshotDirEntry(name string) bool {
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".json.gz")
}

// ReadDir loads every snapshot file in dir (names ending in .json or
// .json.gz, each an iamx snapshot or GAAD output as ReadFile takes), in name
// order, up to GOMAXPROCS files at once: an organization captured one file
// per account. progress, if not nil, is called after each file loads (one
// call at a time, from the loading goroutines) with the number loaded so far
// and the total.
// A file that fails to load fails the whole load, and the error names it:
// half an organization would answer "who can" with fewer principals than
// there are, without saying so.
func ReadDir(dir string, progress func(done, total int)) ([]*model.Snapshot, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, openErr(dir, err)
	}
	var paths []string
	for _, e := range entries {
		if e.Type().IsDir() || !IsSnapshotDirEntry(e.Name()) {
			continue
		}
		paths = append(paths, filepath.Join(dir, e.Name()))
	}
	if len(paths) == 0 {
		return nil, fileErr(dir, "no snapshot files in this directory (%s)", strings.Join(SnapshotDirPatterns, ", "))
	}
	slices.Sort(paths)
	return readFiles(paths, progress)
}

// readFiles loads paths in parallel, bounded by GOMAXPROCS, stopping at the
// first failure (in path order when several fail, so that the error does
// not depend on scheduling). Identical documents of different files become
// one (docShare), as each file is loaded, so that the copies are garbage
// before the next files load.
func readFiles(paths []string, progress func(done, total int)) ([]*model.Snapshot, error) {
	out := make([]*model.Snapshot, len(paths))
	errs := make([]error, len(paths))
	var (
		mu     sync.Mutex
		next   int
		done   int
		failed bool
		wg     sync.WaitGroup
		shared docShare
	)
	work := func() {
		for {
			mu.Lock()
			if failed || next == len(paths) {
				mu.Unlock()
				return
			}
			i := next
			next++
			mu.Unlock()
			s, err := ReadFile(paths[i])
			if err == nil {
				shared.add(s)
			}
			mu.Lock()
			out[i], errs[i] = s, err
			if err != nil {
				failed = true
			}
			done++
			if err == nil && progress != nil {
				progress(done, len(paths))
			}
			mu.Unlock()
		}
	}
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(work)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
