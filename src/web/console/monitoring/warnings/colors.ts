/** The tag colours of a warning's states: open ones warm, finished ones calm. */
export const WARNING_STATE_COLORS: Record<string, string> = {
  new: "red",
  contacted: "orange",
  helped: "green",
  not_eligible: "default",
  closed: "default",
};
