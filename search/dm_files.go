package search

import "strings"

// sqlDMDocText is what the built-in full-text index holds of a direct
// message: the folded words of its body, its author's name and its files'
// names (split at punctuation, as sqlDocText does for channel messages).
func sqlDMDocText(d DMDoc) string {
	words := append(Words(d.Body), Words(d.Author)...)
	for _, f := range d.Files {
		words = append(words, Words(f)...)
	}
	return strings.Join(words, " ")
}

// nonNilNames is names, or an empty list for nil (stored as "[]").
func nonNilNames(names []string) []string {
	if names == nil {
		return []string{}
	}
	return names
}
