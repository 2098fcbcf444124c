package moderation

import (
	"context"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"backchannel/model"
	"backchannel/store"
)

// DMSettings are the site's settings for direct messages (admins change
// them; the conversation use cases enforce them).
type DMSettings struct {
	Mode           string `json:"mode"`             // model.DMModeOn, DMModeStaff or DMModeOff
	Groups         string `json:"groups"`           // who may start groups: "everyone" or "staff"
	RequestMinDays int    `json:"request_min_days"` // accounts younger than this cannot send requests (0: no limit)
	RetentionDays  int    `json:"retention_days"`   // direct messages older than this are removed (0: kept)
}

// Limits of the direct-message settings.
const (
	DMRequestMinDaysMax = 365
	DMRetentionDaysMax  = 3650
)

// DMSettingsIn is a change to the settings: nil fields stay as they are.
type DMSettingsIn struct {
	Mode           *string `json:"mode"`
	Groups         *string `json:"groups"`
	RequestMinDays *int    `json:"request_min_days"`
	RetentionDays  *int    `json:"retention_days"`
}

// DMSettingsOf reads the settings (defaults where never set).
func (s *Service) DMSettingsOf(ctx context.Context) (*DMSettings, error) {
	return readDMSettings(ctx, s.db)
}

func readDMSettings(ctx context.Context, db bun.IDB) (*DMSettings, error) {
	d := &DMSettings{}
	var err error
	if d.Mode, err = store.Setting(ctx, db, model.SettingDMMode, model.DMModeOn); err != nil {
		return nil, err
	}
	if d.Groups, err = store.Setting(ctx, db, model.SettingDMGroups, "everyone"); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{model.SettingDMRequestMinAge, &d.RequestMinDays}, {model.SettingDMRetentionDays, &d.RetentionDays}} {
		v, err := store.Setting(ctx, db, f.key, "0")
		if err != nil {
			return nil, err
		}
		*f.dst, _ = strconv.Atoi(v)
	}
	return d, nil
}

// check validates the settings; every problem is named by its field.
func (d *DMSettings) check() error {
	switch d.Mode {
	case model.DMModeOn, model.DMModeStaff, model.DMModeOff:
	default:
		return model.Invalid("mode", "Direct messages are on, staff only or off.")
	}
	switch d.Groups {
	case "everyone", "staff":
	default:
		return model.Invalid("groups", "Group conversations may be started by everyone or by staff only.")
	}
	if d.RequestMinDays < 0 || d.RequestMinDays > DMRequestMinDaysMax {
		return model.Invalid("request_min_days", "Give a number of days from 0 (no limit) to 365.")
	}
	if d.RetentionDays < 0 || d.RetentionDays > DMRetentionDaysMax {
		return model.Invalid("retention_days", "Give a number of days from 1 to 3650, or 0 to keep direct messages.")
	}
	return nil
}

// SaveDMSettings changes the settings for admin actorID; audited as
// "settings.dm" with the settings before and after. An unchanged save
// writes nothing.
func (s *Service) SaveDMSettings(ctx context.Context, actorID int64, in DMSettingsIn) (*DMSettings, error) {
	var out *DMSettings
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		before, err := readDMSettings(ctx, tx)
		if err != nil {
			return err
		}
		after := *before
		if in.Mode != nil {
			after.Mode = strings.TrimSpace(*in.Mode)
		}
		if in.Groups != nil {
			after.Groups = strings.TrimSpace(*in.Groups)
		}
		if in.RequestMinDays != nil {
			after.RequestMinDays = *in.RequestMinDays
		}
		if in.RetentionDays != nil {
			after.RetentionDays = *in.RetentionDays
		}
		if err := after.check(); err != nil {
			return err
		}
		out = &after
		if after == *before {
			return nil
		}
		for _, kv := range [][2]string{{model.SettingDMMode, after.Mode}, {model.SettingDMGroups, after.Groups},
			{model.SettingDMRequestMinAge, strconv.Itoa(after.RequestMinDays)}, {model.SettingDMRetentionDays, strconv.Itoa(after.RetentionDays)}} {
			if err := store.SetSetting(ctx, tx, kv[0], kv[1]); err != nil {
				return err
			}
		}
		_, err = store.Audit(ctx, tx, store.AuditRecord{ActorID: actorID, Action: "settings.dm", TargetType: "settings",
			TargetID: "dm", Before: before, After: after})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
