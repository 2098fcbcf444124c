package wordfilter

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"backchannel/testenv/xss"
)

// FuzzParseCSV checks that any uploaded rules file either parses or is
// refused with an error, never a panic, and that what parses compiles and
// comes back the same when written out with WriteCSV and read again (the
// export an admin re-imports).
func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"", "pattern,kind,action\nbad,word,block\n",
		"\ufeffpattern, kind ,action,allow,guideline\r\nbadword,word,block,,G1\r\n\r\n  kill yourself , phrase , HOLD , , G3 \r\n",
		"pattern,kind,action,allow\nass*,wildcard,mask,assess|assassin\n\"a,b\",phrase,flag,\n",
		"pattern,kind,action,scope,enabled\nevil.com,domain,block,site,false\n" + `\d{3}-\d{4},regex,flag,site,true` + "\n",
		"pattern,kind,action\n\"x,word,block\n", "pattern,kind,action,kind\n", "pattern,kind,action\n\"a(b\",regex,hold\n",
	} {
		f.Add(s)
	}
	for _, p := range xss.Payloads {
		f.Add("pattern,kind,action,allow,guideline\n\"" + strings.ReplaceAll(p, `"`, `""`) + "\",phrase,flag,,G1\n")
	}
	f.Fuzz(func(t *testing.T, in string) {
		rules, err := ParseCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		if _, err := Compile(rules); err != nil {
			t.Fatalf("ParseCSV(%q) accepted rules that do not compile: %v", in, err)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, rules); err != nil {
			t.Fatalf("WriteCSV of parsed %q: %v", in, err)
		}
		again, err := ParseCSV(&buf)
		if err != nil {
			t.Fatalf("ParseCSV(WriteCSV(ParseCSV(%q))) = %v; written:\n%s", in, err, buf.String())
		}
		if !reflect.DeepEqual(again, rules) {
			t.Fatalf("round trip of %q:\n got %+v\nwant %+v", in, again, rules)
		}
	})
}
