package views

// retentionFilesNote names the files a retention change removes with the
// bodies ("" when none): " and 3 files".
func retentionFilesNote(files int) string {
	if files == 0 {
		return ""
	}
	return " and " + plural(files, "file", "files")
}
