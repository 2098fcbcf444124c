package views

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

func csrfHeader(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func flashRole(kind string) string {
	if kind == "error" {
		return "alert"
	}
	return "status"
}

// fieldValue never echoes a password back into the page.
func fieldValue(f Form, name, kind string) string {
	if kind == "password" {
		return ""
	}
	return f.Value(name)
}

func statusText(code int) string { return http.StatusText(code) }

func statusCode(code int) string { return strconv.Itoa(code) }

func tokenRevokeURL(id int64) string {
	return "/account/tokens/" + strconv.FormatInt(id, 10) + "/revoke"
}

func userURL(id int64, action string) string {
	return "/admin/users/" + strconv.FormatInt(id, 10) + "/" + action
}

func pageURL(q string, offset int) string {
	if offset < 0 {
		offset = 0
	}
	return "/admin/users?" + url.Values{"q": {q}, "offset": {strconv.Itoa(offset)}}.Encode()
}

func signupModeLabel(m string) string {
	switch m {
	case "open":
		return "Anyone (open sign-up)"
	case "invite-only":
		return "Only people with an invitation"
	case "closed":
		return "Nobody (closed)"
	}
	return m
}

func inviteLabel(email string) string {
	if email == "" {
		return "anyone with the link"
	}
	return email
}

func asset(p Page, path string) string {
	if p.AssetVersion == "" {
		return path
	}
	return path + "?v=" + p.AssetVersion
}

// plural writes n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
