package stats

import "strconv"

// Percent writes a share (0.4) as the dashboard, the report and the alarms show it: "40.0%".
func Percent(r float64) string { return strconv.FormatFloat(100*r, 'f', 1, 64) + "%" }
