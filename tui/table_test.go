package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

type trow struct {
	name string
	n    int
}

func testTable(rows int, w, h int) (*Table[trow], *int) {
	calls := new(int)
	cols := []Column[trow]{
		{Title: "NAME", Cell: func(r trow) string { *calls++; return r.name }, Min: 8, Flex: true},
		{Title: "N", Cell: func(r trow) string { return fmt.Sprint(r.n) }, Less: func(a, b trow) int { return compareInt(a.n, b.n) }, Min: 3, Right: true},
	}
	t := NewTable(NewStyles(true), DefaultKeyMap(), cols)
	var data []trow
	for i := 0; i < rows; i++ {
		data = append(data, trow{name: fmt.Sprintf("row-%05d", i), n: (i * 7) % 10})
	}
	t.SetRows(data)
	t.SetSize(w, h)
	return t, calls
}

func TestTableRendersOnlyVisibleRows(t *testing.T) {
	tb, _ := testTable(10000, 40, 11)
	v := ansi.Strip(tb.View())
	lines := strings.Split(v, "\n")
	if len(lines) != 11 {
		t.Fatalf("got %d lines, want 11", len(lines))
	}
	if len(tb.cache) > 10 {
		t.Errorf("rendered %d rows for a 10-row window", len(tb.cache))
	}
	tb.Update(keyMsgs("G")[0])
	v = ansi.Strip(tb.View())
	if !strings.Contains(v, "row-09999") || strings.Contains(v, "row-09989") {
		t.Errorf("G should show the last 10 rows:\n%s", v)
	}
}

func TestTableFilterSortKeepCursor(t *testing.T) {
	tb, _ := testTable(100, 40, 11)
	tb.Move(42)
	if r, _ := tb.Selected(); r.name != "row-00042" {
		t.Fatalf("selected %s", r.name)
	}
	tb.SetFilter("row-0004")
	if tb.Len() != 10 {
		t.Errorf("filter row-0004 matched %d rows, want 10", tb.Len())
	}
	if r, _ := tb.Selected(); r.name != "row-00042" {
		t.Errorf("cursor should stay on the same row through a filter, got %s", r.name)
	}
	tb.SetFilter("ROW 0004 42") // case-insensitive, every word must match
	if tb.Len() != 1 {
		t.Errorf("words filter matched %d rows, want 1", tb.Len())
	}
	tb.SetFilter("")
	tb.SortBy(1, true)
	if r, _ := tb.Selected(); r.name != "row-00042" {
		t.Errorf("cursor should stay on the same row through a sort, got %s", r.name)
	}
	// Ties keep the input order: the N=9 rows in name order come first.
	tb.Move(-1000)
	if r, _ := tb.Selected(); r.name != "row-00007" {
		t.Errorf("first row sorted by N desc = %s, want row-00007", r.name)
	}
}

func TestTableCellsComputedOnce(t *testing.T) {
	tb, calls := testTable(1000, 40, 20)
	before := *calls
	for i := 0; i < 50; i++ {
		tb.Update(tea.KeyPressMsg{Code: tea.KeyDown})
		tb.View()
	}
	tb.SetFilter("row-00")
	tb.SortBy(1, false)
	if *calls != before {
		t.Errorf("Cell ran %d more times after SetRows; cells must be computed once", *calls-before)
	}
}

func TestTableNarrowWidthsNeverOverflow(t *testing.T) {
	for _, w := range []int{1, 5, 12, 30, 200} {
		tb, _ := testTable(5, w, 4)
		for _, l := range strings.Split(ansi.Strip(tb.View()), "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("width %d: line %q is %d wide", w, l, ansi.StringWidth(l))
			}
		}
	}
}
