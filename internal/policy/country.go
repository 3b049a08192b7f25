package policy

// CountryName returns the English name of an ISO 3166-1 alpha-2 region code for the common destinations, and
// the code itself otherwise ("001", libphonenumber's code for non-geographic numbers, reads "International").
func CountryName(region string) string {
	switch region {
	case "001":
		return "International"
	case "AE":
		return "United Arab Emirates"
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
	case "CL":
		return "Chile"
	case "CN":
		return "China"
	case "CO":
		return "Colombia"
	case "CY":
		return "Cyprus"
	case "CZ":
		return "Czechia"
	case "DE":
		return "Germany"
	case "DK":
		return "Denmark"
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
	case "JP":
		return "Japan"
	case "KE":
		return "Kenya"
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
	case "NZ":
		return "New Zealand"
	case "PE":
		return "Peru"
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
	case "SE":
		return "Sweden"
	case "SG":
		return "Singapore"
	case "SI":
		return "Slovenia"
	case "SK":
		return "Slovakia"
	case "TH":
		return "Thailand"
	case "TR":
		return "Turkey"
	case "TW":
		return "Taiwan"
	case "UA":
		return "Ukraine"
	case "US":
		return "United States"
	case "VN":
		return "Vietnam"
	case "ZA":
		return "South Africa"
	}
	return region
}
