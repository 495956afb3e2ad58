"""What the stages share and are not stages themselves: joining a pasted text's reports (claims), the notes on
evidence not in English (language), what a check searched and its undated sources (searched)."""
