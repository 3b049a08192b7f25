package policy

// CountryName returns the English name of an ISO 3166-1 alpha-2 region code for the common destinations, and
// the code itself otherwise ("001", libphonenumber's code for non-geographic numbers, reads "International").
func CountryName(region string) string {
	switch region {
	case "001":
		return "International"
	case "AC":
		return "Ascension Island"
	case "AE":
		return "United Arab Emirates"
	case "AG":
		return "Antigua and Barbuda"
	case "AR":
		return "Argentina"
	case "AT":
		return "Austria"
	case "AU":
		return "Australia"
	case "BD":
		return "Bangladesh"
	case "BE":
		return "Belgium"
	case "BG":
		return "Bulgaria"
	case "BR":
		return "Brazil"
	case "CA":
		return "Canada"
	case "CH":
		return "Switzerland"
	case "CK":
		return "Cook Islands"
	case "CL":
		return "Chile"
	case "CN":
		return "China"
	case "CO":
		return "Colombia"
	case "CU":
		return "Cuba"
	case "CY":
		return "Cyprus"
	case "CZ":
		return "Czechia"
	case "DE":
		return "Germany"
	case "DK":
		return "Denmark"
	case "DM":
		return "Dominica"
	case "DO":
		return "Dominican Republic"
	case "EE":
		return "Estonia"
	case "EG":
		return "Egypt"
	case "ES":
		return "Spain"
	case "FI":
		return "Finland"
	case "FR":
		return "France"
	case "GB":
		return "United Kingdom"
	case "GD":
		return "Grenada"
	case "GG":
		return "Guernsey"
	case "GR":
		return "Greece"
	case "HK":
		return "Hong Kong"
	case "HR":
		return "Croatia"
	case "HU":
		return "Hungary"
	case "ID":
		return "Indonesia"
	case "IE":
		return "Ireland"
	case "IL":
		return "Israel"
	case "IM":
		return "Isle of Man"
	case "IN":
		return "India"
	case "IS":
		return "Iceland"
	case "IT":
		return "Italy"
	case "JE":
		return "Jersey"
	case "JM":
		return "Jamaica"
	case "JP":
		return "Japan"
	case "KE":
		return "Kenya"
	case "KI":
		return "Kiribati"
	case "KR":
		return "South Korea"
	case "LT":
		return "Lithuania"
	case "LU":
		return "Luxembourg"
	case "LV":
		return "Latvia"
	case "MA":
		return "Morocco"
	case "MR":
		return "Mauritania"
	case "MS":
		return "Montserrat"
	case "MT":
		return "Malta"
	case "MX":
		return "Mexico"
	case "MY":
		return "Malaysia"
	case "NG":
		return "Nigeria"
	case "NL":
		return "Netherlands"
	case "NO":
		return "Norway"
	case "NR":
		return "Nauru"
	case "NU":
		return "Niue"
	case "NZ":
		return "New Zealand"
	case "PE":
		return "Peru"
	case "PG":
		return "Papua New Guinea"
	case "PH":
		return "Philippines"
	case "PK":
		return "Pakistan"
	case "PL":
		return "Poland"
	case "PT":
		return "Portugal"
	case "RO":
		return "Romania"
	case "RS":
		return "Serbia"
	case "RU":
		return "Russia"
	case "SA":
		return "Saudi Arabia"
	case "SB":
		return "Solomon Islands"
	case "SE":
		return "Sweden"
	case "SG":
		return "Singapore"
	case "SI":
		return "Slovenia"
	case "SK":
		return "Slovakia"
	case "SL":
		return "Sierra Leone"
	case "SO":
		return "Somalia"
	case "TC":
		return "Turks and Caicos Islands"
	case "TH":
		return "Thailand"
	case "TK":
		return "Tokelau"
	case "TN":
		return "Tunisia"
	case "TR":
		return "Turkey"
	case "TV":
		return "Tuvalu"
	case "TW":
		return "Taiwan"
	case "UA":
		return "Ukraine"
	case "US":
		return "United States"
	case "VG":
		return "British Virgin Islands"
	case "VN":
		return "Vietnam"
	case "VU":
		return "Vanuatu"
	case "ZA":
		return "South Africa"
	}
	return region
}
