package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style the explorer draws with, in one place. Colours come
// from the terminal's own 16-colour ANSI palette (as gh-dash does by
// default), so the user's theme decides the exact shades and both light and
// dark terminals read well. With NO_COLOR set, styles keep only attributes
// (bold, reverse, underline), so the selection stays visible.
type Styles struct {
	NoColor bool

	Header      lipgloss.Style // header lines
	HeaderKey   lipgloss.Style // "account", "source" labels
	HeaderValue lipgloss.Style
	Warning     lipgloss.Style // load warnings, conditional access
	Error       lipgloss.Style // failures, explicit deny
	OK          lipgloss.Style // allow
	Muted       lipgloss.Style // secondary text, "-" cells
	Accent      lipgloss.Style // admin markers, important values

	Crumb       lipgloss.Style // breadcrumb segments
	CrumbActive lipgloss.Style // the last segment
	CrumbSep    lipgloss.Style

	TableHeader   lipgloss.Style
	TableSorted   lipgloss.Style // the header of the sort column
	TableSelected lipgloss.Style // the cursor row
	TableCell     lipgloss.Style

	Tab       lipgloss.Style
	TabActive lipgloss.Style

	FooterKey  lipgloss.Style
	FooterDesc lipgloss.Style
	Status     lipgloss.Style
	StatusErr  lipgloss.Style
	Prompt     lipgloss.Style // ":" and "/" prompts
	Completion lipgloss.Style // ghost text after the cursor
	Match      lipgloss.Style // text found by / in a detail pane

	Strong lipgloss.Style // emphasis laid over a colour (Inherit): a verdict, a name
	Title  lipgloss.Style // titles inside pages (help, error view)
	Box    lipgloss.Style // framed panels
}

// NewStyles builds the palette. noColor drops every colour.
func NewStyles(noColor bool) *Styles {
	c := func(col color.Color) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return col
	}
	base := lipgloss.NewStyle()
	s := &Styles{NoColor: noColor}
	s.Header = base
	s.HeaderKey = base.Foreground(c(lipgloss.Cyan))
	s.HeaderValue = base.Bold(true)
	s.Warning = base.Foreground(c(lipgloss.Yellow))
	s.Error = base.Foreground(c(lipgloss.Red)).Bold(true)
	s.OK = base.Foreground(c(lipgloss.Green))
	s.Muted = base.Foreground(c(lipgloss.BrightBlack))
	s.Accent = base.Foreground(c(lipgloss.Magenta)).Bold(true)

	s.Crumb = base.Foreground(c(lipgloss.Blue))
	s.CrumbActive = base.Foreground(c(lipgloss.Blue)).Bold(true)
	s.CrumbSep = s.Muted

	s.TableHeader = base.Bold(true).Foreground(c(lipgloss.Cyan))
	s.TableSorted = base.Bold(true).Underline(true).Foreground(c(lipgloss.Cyan))
	s.TableSelected = base.Reverse(true)
	s.TableCell = base

	s.Tab = base.Foreground(c(lipgloss.BrightBlack))
	s.TabActive = base.Bold(true).Underline(true).Foreground(c(lipgloss.Blue))

	s.FooterKey = base.Bold(true).Foreground(c(lipgloss.Cyan))
	s.FooterDesc = s.Muted
	s.Status = base.Foreground(c(lipgloss.Green))
	s.StatusErr = s.Error
	s.Prompt = base.Bold(true).Foreground(c(lipgloss.Yellow))
	s.Completion = s.Muted
	s.Match = base.Reverse(true).Foreground(c(lipgloss.Yellow))

	s.Strong = base.Bold(true)
	s.Title = base.Bold(true)
	s.Box = base.Border(lipgloss.RoundedBorder()).BorderForeground(c(lipgloss.BrightBlack)).Padding(0, 1)
	return s
}
