package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/iamx/iamx/internal/termsafe"
)

// Column describes one column of a Table.
type Column[T any] struct {
	Title string
	// Cell is the plain text of the cell. It is computed once per row when
	// rows are set, so it may be moderately expensive. The table escapes it
	// (termsafe): a name from the file cannot draw, hide or add a row.
	Cell func(T) string
	// Less orders rows for this column; nil compares Cell texts
	// case-insensitively. Return <0, 0, >0 as cmp.Compare does.
	Less func(a, b T) int
	// Style colours a cell (e.g. "admin" in the accent colour); nil is plain.
	Style func(row T, cell string) *lipgloss.Style
	// Min is the width below which the column is not squeezed; Max caps its
	// natural width (0: no cap). Flex columns take the width left over.
	Min, Max int
	Flex     bool
	Right    bool // right-align (numbers)
	// Key names the column in the filter: the word "KEY:TEXT" matches the
	// rows whose cell in this column contains TEXT (case-insensitive).
	Key string
}

// Table is a generic, sortable, filterable table that renders only the
// visible rows and caches each rendered row line, so keys cost work
// proportional to the screen, not to the number of rows. Like pug's table.
type Table[T any] struct {
	styles *Styles
	keys   *KeyMap
	cols   []Column[T]

	rows  []T
	cells [][]string // cells[row][col], plain text
	hay   []string   // lower-cased row text for the filter

	view   []int // row indices after filter and sort
	cursor int   // index into view
	offset int   // first visible index into view

	sortCol  int
	sortDesc bool
	filter   string
	empty    string // message when there are no rows at all

	width, height int
	widths        []int
	overflow      bool // the columns cannot fit even at their narrowest
	natural       []int
	cache         map[int]string // row index → rendered line at the current widths
}

// NewTable returns a table with the given columns, sorted by the first.
func NewTable[T any](styles *Styles, keys *KeyMap, cols []Column[T]) *Table[T] {
	return &Table[T]{styles: styles, keys: keys, cols: cols, cache: map[int]string{}}
}

// SetEmpty sets the message shown when the table has no rows at all.
func (t *Table[T]) SetEmpty(msg string) { t.empty = msg }

// SetRows replaces the rows, keeping the sort and the filter.
func (t *Table[T]) SetRows(rows []T) {
	t.rows = rows
	t.cells = make([][]string, len(rows))
	t.hay = make([]string, len(rows))
	t.natural = make([]int, len(t.cols))
	for c, col := range t.cols {
		t.natural[c] = ansi.StringWidth(col.Title) + 2 // room for the sort arrow
	}
	var b strings.Builder
	for r, row := range rows {
		cells := make([]string, len(t.cols))
		b.Reset()
		for c, col := range t.cols {
			s := termsafe.Escape(col.Cell(row))
			cells[c] = s
			if w := ansi.StringWidth(s); w > t.natural[c] {
				t.natural[c] = w
			}
			b.WriteString(s)
			b.WriteByte('\t')
		}
		t.cells[r] = cells
		t.hay[r] = strings.ToLower(b.String())
	}
	t.layout()
	t.refresh()
}

// Len is the number of rows after filtering.
func (t *Table[T]) Len() int { return len(t.view) }

// Total is the number of rows before filtering.
func (t *Table[T]) Total() int { return len(t.rows) }

// Selected returns the row under the cursor.
func (t *Table[T]) Selected() (T, bool) {
	if t.cursor < 0 || t.cursor >= len(t.view) {
		var zero T
		return zero, false
	}
	return t.rows[t.view[t.cursor]], true
}

// SetFilter narrows the rows to those containing every word of text
// (case-insensitive, any column; "KEY:TEXT" in one column, see Column.Key).
func (t *Table[T]) SetFilter(text string) {
	if text == t.filter {
		return
	}
	t.filter = text
	t.refresh()
}

// Filter returns the current filter text.
func (t *Table[T]) Filter() string { return t.filter }

// SortBy sorts by column c (descending when desc).
func (t *Table[T]) SortBy(c int, desc bool) {
	if c < 0 || c >= len(t.cols) {
		return
	}
	t.sortCol, t.sortDesc = c, desc
	t.refresh()
}

// Sort returns the sort column and direction.
func (t *Table[T]) Sort() (int, bool) { return t.sortCol, t.sortDesc }

// refresh recomputes the visible row order after a change of rows, filter
// or sort, keeping the cursor on the same row when it is still shown.
func (t *Table[T]) refresh() {
	var keep = -1
	if t.cursor >= 0 && t.cursor < len(t.view) {
		keep = t.view[t.cursor]
	}
	t.view = t.view[:0]
	words, keyed := t.filterWords()
	for r := range t.rows {
		if matchAll(t.hay[r], words) && t.matchKeyed(r, keyed) {
			t.view = append(t.view, r)
		}
	}
	c := t.sortCol
	if c < len(t.cols) {
		less := t.cols[c].Less
		slices.SortStableFunc(t.view, func(a, b int) int {
			var n int
			if less != nil {
				n = less(t.rows[a], t.rows[b])
			} else {
				n = cmp.Compare(strings.ToLower(t.cells[a][c]), strings.ToLower(t.cells[b][c]))
			}
			if t.sortDesc {
				n = -n
			}
			if n == 0 {
				n = cmp.Compare(a, b) // stable: the order the rows came in (by name)
			}
			return n
		})
	}
	t.cursor = 0
	if keep >= 0 {
		if i := slices.Index(t.view, keep); i >= 0 {
			t.cursor = i
		}
	}
	t.clampOffset()
}

// keyedWord is a filter word for one column: "account:1111".
type keyedWord struct {
	col  int
	text string
}

// filterWords splits the filter into words for any column and words for
// one column (a word "KEY:TEXT" whose KEY names a column).
func (t *Table[T]) filterWords() (words []string, keyed []keyedWord) {
	for _, w := range strings.Fields(strings.ToLower(t.filter)) {
		if k, text, ok := strings.Cut(w, ":"); ok {
			if c := slices.IndexFunc(t.cols, func(c Column[T]) bool { return c.Key != "" && strings.EqualFold(c.Key, k) }); c >= 0 {
				keyed = append(keyed, keyedWord{col: c, text: text})
				continue
			}
		}
		words = append(words, w)
	}
	return words, keyed
}

// matchKeyed reports whether row r's cells contain every keyed word.
func (t *Table[T]) matchKeyed(r int, keyed []keyedWord) bool {
	for _, k := range keyed {
		if !strings.Contains(strings.ToLower(t.cells[r][k.col]), k.text) {
			return false
		}
	}
	return true
}

func matchAll(hay string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// SetSize sets the area the table draws in, header line included.
func (t *Table[T]) SetSize(width, height int) {
	if width == t.width && height == t.height {
		return
	}
	t.width, t.height = width, height
	t.layout()
	t.clampOffset()
}

// layout computes column widths: natural widths (capped by Max), and when
// they do not fit, flex columns shrink to their Min; left-over width goes to
// the flex columns.
func (t *Table[T]) layout() {
	clear(t.cache)
	n := len(t.cols)
	if n == 0 || t.width <= 0 {
		return
	}
	t.widths = make([]int, n)
	t.overflow = false
	avail := t.width - (n - 1) // one space between columns
	total := 0
	for c, col := range t.cols {
		w := t.natural[c]
		if col.Max > 0 && w > col.Max {
			w = col.Max
		}
		if w < col.Min {
			w = col.Min
		}
		t.widths[c] = w
		total += w
	}
	flex := 0
	for _, col := range t.cols {
		if col.Flex {
			flex++
		}
	}
	if total > avail {
		// Shrink flex columns first, then every column, never below 1.
		over := total - avail
		for pass := 0; pass < 2 && over > 0; pass++ {
			for c := n - 1; c >= 0 && over > 0; c-- {
				if pass == 0 && !t.cols[c].Flex {
					continue
				}
				floor := max(t.cols[c].Min, 1)
				if pass == 1 {
					floor = 1
				}
				cut := min(over, t.widths[c]-floor)
				if cut > 0 {
					t.widths[c] -= cut
					over -= cut
				}
			}
		}
		t.overflow = over > 0
	} else if flex > 0 {
		extra := avail - total
		for c, col := range t.cols {
			if col.Flex {
				share := extra / flex
				t.widths[c] += share
				extra -= share
				flex--
			}
		}
	}
}

func (t *Table[T]) visibleRows() int { return max(t.height-1, 0) }

func (t *Table[T]) clampOffset() {
	h := t.visibleRows()
	if t.cursor >= len(t.view) {
		t.cursor = len(t.view) - 1
	}
	if t.cursor < 0 {
		t.cursor = 0
	}
	if t.cursor < t.offset {
		t.offset = t.cursor
	}
	if h > 0 && t.cursor >= t.offset+h {
		t.offset = t.cursor - h + 1
	}
	if maxOff := max(len(t.view)-h, 0); t.offset > maxOff {
		t.offset = maxOff
	}
	if t.offset < 0 {
		t.offset = 0
	}
}

// Move moves the cursor by delta rows.
func (t *Table[T]) Move(delta int) {
	t.cursor += delta
	t.clampOffset()
}

// tableKeys are the keys Table.Update handles, for the ? screen.
func tableKeys(km *KeyMap) []key.Binding {
	return []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom, km.Sort, km.SortReverse}
}

// Update handles movement and sort keys. It reports whether the key was used.
func (t *Table[T]) Update(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		page := max(t.visibleRows(), 1)
		switch {
		case key.Matches(msg, t.keys.Up):
			t.Move(-1)
		case key.Matches(msg, t.keys.Down):
			t.Move(1)
		case key.Matches(msg, t.keys.PageUp):
			t.Move(-page)
		case key.Matches(msg, t.keys.PageDown):
			t.Move(page)
		case key.Matches(msg, t.keys.Top):
			t.Move(-len(t.view))
		case key.Matches(msg, t.keys.Bottom):
			t.Move(len(t.view))
		case key.Matches(msg, t.keys.Sort):
			t.SortBy((t.sortCol+1)%max(len(t.cols), 1), false)
		case key.Matches(msg, t.keys.SortReverse):
			t.SortBy(t.sortCol, !t.sortDesc)
		default:
			return false
		}
		return true
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			t.Move(-3)
		case tea.MouseWheelDown:
			t.Move(3)
		default:
			return false
		}
		return true
	}
	return false
}

// ClickRow moves the cursor to the row at body line y (0 is the header).
func (t *Table[T]) ClickRow(y int) bool {
	if y < 1 || t.offset+y-1 >= len(t.view) {
		return false
	}
	t.cursor = t.offset + y - 1
	return true
}

// View renders the header and the visible rows, exactly height lines.
func (t *Table[T]) View() string {
	if t.width <= 0 || t.height <= 0 {
		return ""
	}
	lines := make([]string, 0, t.height)
	lines = append(lines, t.headerLine())
	h := t.visibleRows()
	if len(t.view) == 0 {
		msg := t.empty
		if len(t.rows) > 0 {
			msg = fmt.Sprintf("no rows match /%s — esc clears the filter", termsafe.Escape(t.filter))
		}
		if msg == "" {
			msg = "nothing here"
		}
		if h > 0 {
			lines = append(lines, t.styles.Muted.Render(ansi.Truncate(msg, t.width, "…")))
		}
	}
	for i := t.offset; i < len(t.view) && i < t.offset+h; i++ {
		r := t.view[i]
		if i == t.cursor {
			lines = append(lines, t.styles.TableSelected.Render(t.plainLine(r)))
			continue
		}
		line, ok := t.cache[r]
		if !ok {
			line = t.styledLine(r)
			t.cache[r] = line
		}
		lines = append(lines, line)
	}
	for len(lines) < t.height {
		lines = append(lines, "")
	}
	if t.overflow {
		// Narrower than one cell per column: cut, rather than wrap the screen.
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, t.width, "")
		}
	}
	return strings.Join(lines, "\n")
}

func (t *Table[T]) headerLine() string {
	var b strings.Builder
	for c, col := range t.cols {
		if c > 0 {
			b.WriteByte(' ')
		}
		title := col.Title
		st := t.styles.TableHeader
		if c == t.sortCol {
			st = t.styles.TableSorted
			if t.sortDesc {
				title += "↓"
			} else {
				title += "↑"
			}
		}
		b.WriteString(st.Render(padCell(title, t.widths[c], col.Right)))
	}
	return b.String()
}

// plainLine is the row without colours: the selected row is drawn reversed,
// and embedded colour resets would break the reverse.
func (t *Table[T]) plainLine(r int) string {
	var b strings.Builder
	for c, col := range t.cols {
		if c > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(padCell(t.cells[r][c], t.widths[c], col.Right))
	}
	return b.String()
}

func (t *Table[T]) styledLine(r int) string {
	var b strings.Builder
	for c, col := range t.cols {
		if c > 0 {
			b.WriteByte(' ')
		}
		s := padCell(t.cells[r][c], t.widths[c], col.Right)
		if col.Style != nil {
			if st := col.Style(t.rows[r], t.cells[r][c]); st != nil {
				s = st.Render(s)
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// padCell truncates or pads s to exactly w cells.
func padCell(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	if right {
		return strings.Repeat(" ", w-sw) + s
	}
	return s + strings.Repeat(" ", w-sw)
}

// Position describes the cursor for the breadcrumb line: "12/340".
func (t *Table[T]) Position() string {
	if len(t.view) == 0 {
		return fmt.Sprintf("0/%d", len(t.rows))
	}
	if len(t.view) == len(t.rows) {
		return fmt.Sprintf("%d/%d", t.cursor+1, len(t.view))
	}
	return fmt.Sprintf("%d/%d of %d", t.cursor+1, len(t.view), len(t.rows))
}

// SortHelp names the sort column for the footer: "sorted by NAME ↑".
func (t *Table[T]) SortHelp() string {
	if t.sortCol >= len(t.cols) {
		return ""
	}
	dir := "↑"
	if t.sortDesc {
		dir = "↓"
	}
	return fmt.Sprintf("sort %s%s", t.cols[t.sortCol].Title, dir)
}
