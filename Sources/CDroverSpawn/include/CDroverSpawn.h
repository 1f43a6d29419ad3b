int drover_placeholder(void);
