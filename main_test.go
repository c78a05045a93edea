package main

import (
	"os"
	"testing"
)

// TestMain lets a test run this binary as iamx itself: with IAMX_TEST_MAIN
// set, the process is main(), flags and all.
func TestMain(m *testing.M) {
	if os.Getenv("IAMX_TEST_MAIN") == "1" {
		os.Args = append([]string{"iamx"}, os.Args[1:]...)
		main()
		return
	}
	os.Exit(m.Run())
}
