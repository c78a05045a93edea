package loader

import (
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/iamx/iamx/model"
)

// wireDecoder reads the wire types straight from a file's bytes, without
// reflection: a load spends most of its decoding time in encoding/json's
// reflection and validation passes, and a 23 MB account is decoded on every
// start.
//
// It is a fast path only. It produces exactly what json.Unmarshal produces
// into the same structs (unknown fields ignored, case-insensitive names with
// the exact name preferred, null leaving scalars alone and clearing slices
// and pointers, invalid UTF-8 replaced with U+FFFD, RawMessage keeping the
// value's bytes), and at anything it does not handle exactly that way — a
// syntax or type error, an escaped or non-ASCII key, a repeated composite
// field, absurd nesting — it gives up, and the caller decodes with
// encoding/json, whose errors the loader turns into its messages. So every
// error a user sees still comes from one place.
//
// RawMessage and wireTime values are sub-slices of data (capacity clipped so
// that appending copies); the wire values never outlive the load, and the
// documents are copied when they are compacted.
type wireDecoder struct {
	data []byte
	pos  int
}

// decodeWireTop decodes data (an object, already trimmed) into top; false
// means the fast path gave up and top must be decoded again from scratch.
func decodeWireTop(data []byte, top *wireTop) bool {
	d := wireDecoder{data: data}
	if d.cur() != '{' || !d.top(top) {
		return false
	}
	return d.atEnd()
}

// decodeWirePages decodes data (an array of GAAD pages, already trimmed).
func decodeWirePages(data []byte) ([]wireGAAD, bool) {
	d := wireDecoder{data: data}
	var pages []wireGAAD
	if d.cur() != '[' || !decodeSlice(&d, &pages, (*wireDecoder).gaad) {
		return nil, false
	}
	return pages, d.atEnd()
}

// maxSkipDepth bounds the nesting the fast path follows inside values it
// skips or keeps raw. encoding/json allows 10,000 levels; deeper than this,
// the slow path decides.
const maxSkipDepth = 1000

func (d *wireDecoder) cur() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0 // never valid where a value or delimiter is expected
}

// skipSpace moves past whitespace. Snapshots are indented, so a quarter of
// a file is whitespace, mostly a newline and a run of spaces.
func (d *wireDecoder) skipSpace() {
	data, i := d.data, d.pos
	if i >= len(data) || data[i] > ' ' {
		return
	}
	for i < len(data) && jsonSpace[data[i]] {
		i++
	}
	d.pos = i
}

var jsonSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// atEnd reports whether only whitespace follows: encoding/json rejects
// anything after the top-level value.
func (d *wireDecoder) atEnd() bool {
	d.skipSpace()
	return d.pos == len(d.data)
}

// literal consumes the keyword lit ("null", "true", "false").
func (d *wireDecoder) literal(lit string) bool {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return false
	}
	d.pos += len(lit)
	return true
}

// strByte classifies string bytes: 0 plain ASCII, 1 needs a look
// (quote, backslash, control character), 2 not ASCII.
var strByte = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c < 0x20, c == '"', c == '\\':
			t[c] = 1
		case c >= 0x80:
			t[c] = 2
		}
	}
	return t
}()

// scanString validates the string starting at d.pos (a '"') and moves past
// it. content is what lies between the quotes; plain says it is ASCII
// without escapes, so it is its own value.
func (d *wireDecoder) scanString() (content []byte, plain, ok bool) {
	data := d.data
	start := d.pos + 1
	plain = true
	i := start
	for i < len(data) {
		switch strByte[data[i]] {
		case 0:
			i++
			continue
		case 2:
			plain = false
			i++
			continue
		}
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			return data[start:i], plain, true
		case c < 0x20:
			return nil, false, false
		}
		// A backslash: the escapes JSON allows.
		plain = false
		if i+1 >= len(data) {
			return nil, false, false
		}
		switch data[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+6 > len(data) || hex4(data[i+2:i+6]) < 0 {
				return nil, false, false
			}
			i += 6
		default:
			return nil, false, false
		}
	}
	return nil, false, false
}

// hex4 decodes four hex digits, or returns -1 (also when b is shorter).
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unquote returns the value of a validated string's content as
// encoding/json decodes it: escapes resolved, a \u surrogate that does not
// pair and every byte of invalid UTF-8 each become U+FFFD. It never reads
// past content even if the content is no longer what was validated (a
// mapped file rewritten mid-load): a broken escape becomes U+FFFD.
func unquote(content []byte) []byte {
	out := make([]byte, 0, len(content)+utf8.UTFMax)
	for i := 0; i < len(content); {
		c := content[i]
		switch {
		case c == '\\' && i+1 == len(content):
			out = utf8.AppendRune(out, utf8.RuneError)
			i++
		case c == '\\':
			switch e := content[i+1]; e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(content[i+2:])
				if r < 0 {
					out = utf8.AppendRune(out, utf8.RuneError)
					i = min(i+6, len(content))
					continue
				}
				i += 6
				if utf16.IsSurrogate(r) {
					var r2 rune = -1
					if i+6 <= len(content) && content[i] == '\\' && content[i+1] == 'u' {
						r2 = hex4(content[i+2:])
					}
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						out = utf8.AppendRune(out, pair)
						i += 6
						continue
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // '"', '\\', '/'
				out = append(out, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(content[i:])
			out = utf8.AppendRune(out, r)
			i += size
		}
	}
	return out
}

// stringValue reads a string value.
func (d *wireDecoder) stringValue() (string, bool) {
	content, plain, ok := d.scanString()
	if !ok {
		return "", false
	}
	if plain || (utf8.Valid(content) && !hasBackslash(content)) {
		return string(content), true
	}
	return string(unquote(content)), true
}

func hasBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}

// skipValue validates and skips any value.
func (d *wireDecoder) skipValue(depth int) bool {
	switch c := d.cur(); c {
	case '"':
		_, _, ok := d.scanString()
		return ok
	case '{':
		if depth >= maxSkipDepth {
			return false
		}
		d.pos++
		d.skipSpace()
		if d.cur() == '}' {
			d.pos++
			return true
		}
		for {
			if d.cur() != '"' {
				return false
			}
			if _, _, ok := d.scanString(); !ok {
				return false
			}
			d.skipSpace()
			if d.cur() != ':' {
				return false
			}
			d.pos++
			d.skipSpace()
			if !d.skipValue(depth + 1) {
				return false
			}
			d.skipSpace()
			switch d.cur() {
			case ',':
				d.pos++
				d.skipSpace()
			case '}':
				d.pos++
				return true
			default:
				return false
			}
		}
	case '[':
		if depth >= maxSkipDepth {
			return false
		}
		d.pos++
		d.skipSpace()
		if d.cur() == ']' {
			d.pos++
			return true
		}
		for {
			if !d.skipValue(depth + 1) {
				return false
			}
			d.skipSpace()
			switch d.cur() {
			case ',':
				d.pos++
				d.skipSpace()
			case ']':
				d.pos++
				return true
			default:
				return false
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, ok := d.number()
		return ok
	}
}

// number validates a JSON number and reports whether it is an integer
// (no fraction, no exponent).
func (d *wireDecoder) number() (integer, ok bool) {
	data, i := d.data, d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	default:
		return false, false
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		i++
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return false, false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || data[i] < '0' || data[i] > '9' {
			return false, false
		}
		for i < len(data) && '0' <= data[i] && data[i] <= '9' {
			i++
		}
	}
	d.pos = i
	return integer, true
}

// integer reads an integer value into n. A fraction, an exponent or a value
// beyond bits is a type error for encoding/json, so the fast path gives up.
func (d *wireDecoder) integer(bits int) (int64, bool) {
	start := d.pos
	integer, ok := d.number()
	if !ok || !integer {
		return 0, false
	}
	digits := d.data[start:d.pos]
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	if len(digits) > 18 {
		return 0, false // may overflow int64; let encoding/json judge
	}
	var n int64
	for _, c := range digits {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	if bits < 64 {
		if limit := int64(1) << (bits - 1); n < -limit || n >= limit {
			return 0, false
		}
	}
	return n, true
}

// Scalars. Null leaves a string, number or bool as it was, as encoding/json
// does.

func (d *wireDecoder) str(dst *string) bool {
	switch d.cur() {
	case '"':
		s, ok := d.stringValue()
		*dst = s
		return ok
	case 'n':
		return d.literal("null")
	}
	return false
}

func (d *wireDecoder) int32(dst *int32) bool {
	if d.cur() == 'n' {
		return d.literal("null")
	}
	n, ok := d.integer(32)
	*dst = int32(n)
	return ok
}

// intPtr reads into a *int: null clears it.
func (d *wireDecoder) intPtr(dst **int) bool {
	if d.cur() == 'n' {
		*dst = nil
		return d.literal("null")
	}
	n, ok := d.integer(strconvIntSize)
	v := int(n)
	*dst = &v
	return ok
}

const strconvIntSize = 32 << (^uint(0) >> 63)

func (d *wireDecoder) boolean(dst *bool) bool {
	switch d.cur() {
	case 't':
		*dst = true
		return d.literal("true")
	case 'f':
		*dst = false
		return d.literal("false")
	case 'n':
		return d.literal("null")
	}
	return false
}

// raw keeps a value's bytes; json.RawMessage keeps null as "null".
func (d *wireDecoder) raw(dst *json.RawMessage) bool {
	start := d.pos
	if !d.skipValue(0) {
		return false
	}
	*dst = d.data[start:d.pos:d.pos]
	return true
}

// time keeps a time field's bytes; null clears it (wireTime.UnmarshalJSON).
func (d *wireDecoder) time(dst *wireTime) bool {
	if d.cur() == 'n' {
		dst.raw = nil
		return d.literal("null")
	}
	return d.raw(&dst.raw)
}

// decodeSlice reads an array into *dst with elem for each element. Null
// clears the slice; an empty array is an empty, non-nil slice.
func decodeSlice[T any](d *wireDecoder, dst *[]T, elem func(*wireDecoder, *T) bool) bool {
	switch d.cur() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '[':
	default:
		return false
	}
	d.pos++
	d.skipSpace()
	if d.cur() == ']' {
		d.pos++
		*dst = []T{}
		return true
	}
	// Long lists (thousands of users and roles) are gathered in blocks and
	// copied once into a slice of the exact length: growing one slice by
	// doubling allocates and copies it over and over, and fresh memory is
	// slow to touch.
	var (
		out  []T   // the current block
		full [][]T // earlier blocks, each sliceBlock long
	)
	for {
		if len(out) == sliceBlock {
			full = append(full, out)
			out = make([]T, 0, sliceBlock)
		}
		var zero T
		out = append(out, zero)
		if !elem(d, &out[len(out)-1]) {
			return false
		}
		d.skipSpace()
		switch d.cur() {
		case ',':
			d.pos++
			d.skipSpace()
		case ']':
			d.pos++
			if full != nil {
				all := make([]T, 0, len(full)*sliceBlock+len(out))
				for _, b := range full {
					all = append(all, b...)
				}
				out = append(all, out...)
			}
			*dst = out
			return true
		default:
			return false
		}
	}
}

// sliceBlock is how many elements decodeSlice gathers before starting a new
// block.
const sliceBlock = 64

// fieldTable lists a struct's JSON names in field order, the order
// encoding/json prefers among case-insensitive matches. composite marks the
// fields (slices, structs behind pointers) that encoding/json merges into
// rather than replaces when a name repeats; the fast path gives up there.
type fieldTable struct {
	names     []string
	composite uint64
}

const (
	unknownField = -1 // not a field: skip the value
	giveUp       = -2 // a key the fast path does not match exactly like encoding/json
)

// find returns the field a key names: the exact name first, then an ASCII
// case-insensitive match. Keys that had escapes are unquoted by the caller;
// non-ASCII keys could fold onto ASCII names by Unicode rules (the Kelvin
// sign and "k"), so the fast path gives up on them.
func (t *fieldTable) find(key []byte) int {
	for i, n := range t.names {
		if string(key) == n {
			return i
		}
	}
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return giveUp
		}
	}
	for i, n := range t.names {
		if equalFoldASCII(key, n) {
			return i
		}
	}
	return unknownField
}

func equalFoldASCII(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// object reads an object into a struct described by t, calling field for
// each member that names a field, with d at the member's value. A null
// leaves the struct as it was.
func (d *wireDecoder) object(t *fieldTable, field func(i int) bool) bool {
	switch d.cur() {
	case 'n':
		return d.literal("null")
	case '{':
	default:
		return false
	}
	d.pos++
	d.skipSpace()
	if d.cur() == '}' {
		d.pos++
		return true
	}
	var seen uint64
	for {
		if d.cur() != '"' {
			return false
		}
		key, plain, ok := d.scanString()
		if !ok {
			return false
		}
		if !plain {
			key = unquote(key)
		}
		d.skipSpace()
		if d.cur() != ':' {
			return false
		}
		d.pos++
		d.skipSpace()
		switch i := t.find(key); i {
		case giveUp:
			return false
		case unknownField:
			if !d.skipValue(0) {
				return false
			}
		default:
			bit := uint64(1) << i
			if seen&bit != 0 && t.composite&bit != 0 {
				return false
			}
			seen |= bit
			if !field(i) {
				return false
			}
		}
		d.skipSpace()
		switch d.cur() {
		case ',':
			d.pos++
			d.skipSpace()
		case '}':
			d.pos++
			return true
		default:
			return false
		}
	}
}

// bits sets the composite mask from field indexes.
func bits(idx ...int) (m uint64) {
	for _, i := range idx {
		m |= 1 << i
	}
	return m
}

// The struct decoders below follow wire.go field for field; the tables name
// the fields in declaration order.

var topFields = fieldTable{
	names: []string{
		"format", "version", "account_id", "account_alias", "partition", "captured_at", "captured_by",
		"authorization_details", "credential_report", "warnings",
		// embedded wireGAAD
		"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "IsTruncated", "Marker",
	},
	composite: bits(7, 8, 9, 10, 11, 12, 13),
}

func (d *wireDecoder) top(w *wireTop) bool {
	return d.object(&topFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&w.Format)
		case 1:
			return d.intPtr(&w.Version)
		case 2:
			return d.str(&w.AccountID)
		case 3:
			return d.str(&w.AccountAlias)
		case 4:
			return d.str(&w.Partition)
		case 5:
			return d.time(&w.CapturedAt)
		case 6:
			return d.str(&w.CapturedBy)
		case 7:
			switch d.cur() {
			case 'n':
				w.AuthorizationDetails = nil
				return d.literal("null")
			case '{':
				w.AuthorizationDetails = new(wireGAAD)
				return d.gaad(w.AuthorizationDetails)
			}
			return false
		case 8:
			return decodeSlice(d, &w.CredentialReport, (*wireDecoder).reportRow)
		case 9:
			return decodeSlice(d, &w.Warnings, (*wireDecoder).warning)
		}
		return d.gaadField(&w.wireGAAD, i-10)
	})
}

var warningFields = fieldTable{names: []string{"where", "message"}}

func (d *wireDecoder) warning(w *wireWarning) bool {
	return d.object(&warningFields, func(i int) bool {
		if i == 0 {
			return d.str(&w.Where)
		}
		return d.str(&w.Message)
	})
}

// reportFields are the credential report's JSON names: its CSV columns.
var reportFields = fieldTable{names: model.CredentialReportColumns}

func (d *wireDecoder) reportRow(r *model.CredentialReportRow) bool {
	cols := [...]*string{
		&r.User, &r.ARN, &r.UserCreationTime, &r.PasswordEnabled, &r.PasswordLastUsed,
		&r.PasswordLastChanged, &r.PasswordNextRotation, &r.MFAActive,
		&r.AccessKey1Active, &r.AccessKey1LastRotated, &r.AccessKey1LastUsedDate,
		&r.AccessKey1LastUsedRegion, &r.AccessKey1LastUsedService,
		&r.AccessKey2Active, &r.AccessKey2LastRotated, &r.AccessKey2LastUsedDate,
		&r.AccessKey2LastUsedRegion, &r.AccessKey2LastUsedService,
		&r.Cert1Active, &r.Cert1LastRotated, &r.Cert2Active, &r.Cert2LastRotated,
	}
	return d.object(&reportFields, func(i int) bool { return d.str(cols[i]) })
}

var gaadFields = fieldTable{
	names:     []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies", "IsTruncated", "Marker"},
	composite: bits(0, 1, 2, 3),
}

func (d *wireDecoder) gaad(g *wireGAAD) bool {
	return d.object(&gaadFields, func(i int) bool { return d.gaadField(g, i) })
}

func (d *wireDecoder) gaadField(g *wireGAAD, i int) bool {
	switch i {
	case 0:
		return decodeSlice(d, &g.UserDetailList, (*wireDecoder).user)
	case 1:
		return decodeSlice(d, &g.GroupDetailList, (*wireDecoder).group)
	case 2:
		return decodeSlice(d, &g.RoleDetailList, (*wireDecoder).role)
	case 3:
		return decodeSlice(d, &g.Policies, (*wireDecoder).policy)
	case 4:
		return d.boolean(&g.IsTruncated)
	case 5:
		return d.str(&g.Marker)
	}
	return false
}

var userFields = fieldTable{
	names: []string{"Path", "UserName", "UserId", "Arn", "CreateDate", "UserPolicyList", "GroupList",
		"AttachedManagedPolicies", "PermissionsBoundary", "Tags", "AccessKeys"},
	composite: bits(5, 6, 7, 8, 9, 10),
}

func (d *wireDecoder) user(u *wireUser) bool {
	return d.object(&userFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&u.Path)
		case 1:
			return d.str(&u.UserName)
		case 2:
			return d.str(&u.UserID)
		case 3:
			return d.str(&u.Arn)
		case 4:
			return d.time(&u.CreateDate)
		case 5:
			return decodeSlice(d, &u.UserPolicyList, (*wireDecoder).inline)
		case 6:
			return decodeSlice(d, &u.GroupList, (*wireDecoder).str)
		case 7:
			return decodeSlice(d, &u.AttachedManagedPolicies, (*wireDecoder).attached)
		case 8:
			return d.boundary(&u.PermissionsBoundary)
		case 9:
			return decodeSlice(d, &u.Tags, (*wireDecoder).tag)
		case 10:
			return decodeSlice(d, &u.AccessKeys, (*wireDecoder).accessKey)
		}
		return false
	})
}

var accessKeyFields = fieldTable{names: []string{"AccessKeyId", "Status", "CreateDate"}}

func (d *wireDecoder) accessKey(k *wireAccessKey) bool {
	return d.object(&accessKeyFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&k.AccessKeyID)
		case 1:
			return d.str(&k.Status)
		case 2:
			return d.time(&k.CreateDate)
		}
		return false
	})
}

var groupFields = fieldTable{
	names:     []string{"Path", "GroupName", "GroupId", "Arn", "CreateDate", "GroupPolicyList", "AttachedManagedPolicies"},
	composite: bits(5, 6),
}

func (d *wireDecoder) group(g *wireGroup) bool {
	return d.object(&groupFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&g.Path)
		case 1:
			return d.str(&g.GroupName)
		case 2:
			return d.str(&g.GroupID)
		case 3:
			return d.str(&g.Arn)
		case 4:
			return d.time(&g.CreateDate)
		case 5:
			return decodeSlice(d, &g.GroupPolicyList, (*wireDecoder).inline)
		case 6:
			return decodeSlice(d, &g.AttachedManagedPolicies, (*wireDecoder).attached)
		}
		return false
	})
}

var roleFields = fieldTable{
	names: []string{"Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument",
		"InstanceProfileList", "RolePolicyList", "AttachedManagedPolicies", "PermissionsBoundary", "Tags",
		"RoleLastUsed", "Description", "MaxSessionDuration"},
	composite: bits(6, 7, 8, 9, 10, 11),
}

func (d *wireDecoder) role(r *wireRole) bool {
	return d.object(&roleFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&r.Path)
		case 1:
			return d.str(&r.RoleName)
		case 2:
			return d.str(&r.RoleID)
		case 3:
			return d.str(&r.Arn)
		case 4:
			return d.time(&r.CreateDate)
		case 5:
			return d.raw(&r.AssumeRolePolicyDocument)
		case 6:
			return decodeSlice(d, &r.InstanceProfileList, (*wireDecoder).instanceProfile)
		case 7:
			return decodeSlice(d, &r.RolePolicyList, (*wireDecoder).inline)
		case 8:
			return decodeSlice(d, &r.AttachedManagedPolicies, (*wireDecoder).attached)
		case 9:
			return d.boundary(&r.PermissionsBoundary)
		case 10:
			return decodeSlice(d, &r.Tags, (*wireDecoder).tag)
		case 11:
			switch d.cur() {
			case 'n':
				r.RoleLastUsed = nil
				return d.literal("null")
			case '{':
				r.RoleLastUsed = new(wireRoleLastUsed)
				return d.roleLastUsed(r.RoleLastUsed)
			}
			return false
		case 12:
			return d.str(&r.Description)
		case 13:
			return d.int32(&r.MaxSessionDuration)
		}
		return false
	})
}

var instanceProfileFields = fieldTable{
	names:     []string{"Path", "InstanceProfileName", "InstanceProfileId", "Arn", "CreateDate", "Roles", "Tags"},
	composite: bits(5, 6),
}

func (d *wireDecoder) instanceProfile(p *wireInstanceProfile) bool {
	return d.object(&instanceProfileFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&p.Path)
		case 1:
			return d.str(&p.InstanceProfileName)
		case 2:
			return d.str(&p.InstanceProfileID)
		case 3:
			return d.str(&p.Arn)
		case 4:
			return d.time(&p.CreateDate)
		case 5:
			return decodeSlice(d, &p.Roles, (*wireDecoder).profileRole)
		case 6:
			return decodeSlice(d, &p.Tags, (*wireDecoder).tag)
		}
		return false
	})
}

var profileRoleFields = fieldTable{names: []string{"RoleName", "Arn"}}

func (d *wireDecoder) profileRole(r *wireProfileRole) bool {
	return d.object(&profileRoleFields, func(i int) bool {
		if i == 0 {
			return d.str(&r.RoleName)
		}
		return d.str(&r.Arn)
	})
}

var roleLastUsedFields = fieldTable{names: []string{"LastUsedDate", "Region"}}

func (d *wireDecoder) roleLastUsed(r *wireRoleLastUsed) bool {
	return d.object(&roleLastUsedFields, func(i int) bool {
		if i == 0 {
			return d.time(&r.LastUsedDate)
		}
		return d.str(&r.Region)
	})
}

var inlineFields = fieldTable{names: []string{"PolicyName", "PolicyDocument"}}

func (d *wireDecoder) inline(p *wireInline) bool {
	return d.object(&inlineFields, func(i int) bool {
		if i == 0 {
			return d.str(&p.PolicyName)
		}
		return d.raw(&p.PolicyDocument)
	})
}

var attachedFields = fieldTable{names: []string{"PolicyName", "PolicyArn"}}

func (d *wireDecoder) attached(a *wireAttached) bool {
	return d.object(&attachedFields, func(i int) bool {
		if i == 0 {
			return d.str(&a.PolicyName)
		}
		return d.str(&a.PolicyArn)
	})
}

var boundaryFields = fieldTable{names: []string{"PermissionsBoundaryType", "PermissionsBoundaryArn"}}

// boundary reads a *wireBoundary: null clears it.
func (d *wireDecoder) boundary(dst **wireBoundary) bool {
	switch d.cur() {
	case 'n':
		*dst = nil
		return d.literal("null")
	case '{':
	default:
		return false
	}
	b := new(wireBoundary)
	*dst = b
	return d.object(&boundaryFields, func(i int) bool {
		if i == 0 {
			return d.str(&b.PermissionsBoundaryType)
		}
		return d.str(&b.PermissionsBoundaryArn)
	})
}

var tagFields = fieldTable{names: []string{"Key", "Value"}}

func (d *wireDecoder) tag(t *wireTag) bool {
	return d.object(&tagFields, func(i int) bool {
		if i == 0 {
			return d.str(&t.Key)
		}
		return d.str(&t.Value)
	})
}

var policyFields = fieldTable{
	names: []string{"PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "AttachmentCount",
		"PermissionsBoundaryUsageCount", "IsAttachable", "Description", "CreateDate", "UpdateDate",
		"PolicyVersionList", "Tags"},
	composite: bits(11, 12),
}

func (d *wireDecoder) policy(p *wirePolicy) bool {
	return d.object(&policyFields, func(i int) bool {
		switch i {
		case 0:
			return d.str(&p.PolicyName)
		case 1:
			return d.str(&p.PolicyID)
		case 2:
			return d.str(&p.Arn)
		case 3:
			return d.str(&p.Path)
		case 4:
			return d.str(&p.DefaultVersionID)
		case 5:
			return d.int32(&p.AttachmentCount)
		case 6:
			return d.int32(&p.PermissionsBoundaryUsageCount)
		case 7:
			return d.boolean(&p.IsAttachable)
		case 8:
			return d.str(&p.Description)
		case 9:
			return d.time(&p.CreateDate)
		case 10:
			return d.time(&p.UpdateDate)
		case 11:
			return decodeSlice(d, &p.PolicyVersionList, (*wireDecoder).version)
		case 12:
			return decodeSlice(d, &p.Tags, (*wireDecoder).tag)
		}
		return false
	})
}

var versionFields = fieldTable{names: []string{"Document", "VersionId", "IsDefaultVersion", "CreateDate"}}

func (d *wireDecoder) version(v *wireVersion) bool {
	return d.object(&versionFields, func(i int) bool {
		switch i {
		case 0:
			return d.raw(&v.Document)
		case 1:
			return d.str(&v.VersionID)
		case 2:
			return d.boolean(&v.IsDefaultVersion)
		}
		return d.time(&v.CreateDate)
	})
}
