package main

import "strconv"

// countOf is "1 action", "3 actions": the text renderers' counts agree
// with their numbers.
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
